import CZlib

/// Raw DEFLATE (RFC 1951) decompression and CRC-32 through the system zlib.
enum Inflate {
    /// Inflates `input` (a raw deflate stream, as in zip method 8) that should produce exactly
    /// `expectedSize` bytes.
    ///
    /// Output grows in 64 KiB steps as zlib produces it, and inflation stops as soon as it would
    /// exceed `expectedSize`: a lying size in a zip header can never make this allocate more than
    /// the real decompressed data. Returns nil when the stream is corrupt, ends early, or
    /// produces a different number of bytes. The corresponding C functions are `inflateInit2`,
    /// `inflate`, `inflateEnd`.
    static func inflate(_ input: ArraySlice<UInt8>, expectedSize: Int) -> [UInt8]? {
        var stream = z_stream()
        guard czlib_inflate_init_raw(&stream) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        let step = 1 << 16
        var chunk = [UInt8](repeating: 0, count: step)
        return input.withUnsafeBufferPointer { source -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = uInt(source.count)
            while true {
                let produced: Int, status: Int32
                (produced, status) = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(step)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (step - Int(stream.avail_out), status)
                }
                guard status == Z_OK || status == Z_STREAM_END else { return nil }
                guard output.count + produced <= expectedSize else { return nil }
                output.append(contentsOf: chunk[0..<produced])
                if status == Z_STREAM_END { return output.count == expectedSize ? output : nil }
                // No progress with input left means a truncated or stuck stream.
                if produced == 0 && stream.avail_in == 0 { return nil }
            }
        }
    }

    /// CRC-32 (ISO 3309, as in zip) of `bytes`. The corresponding C function is `crc32`.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var crc: uLong = CZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < buffer.count {  // zlib takes a 32-bit length
                let n = min(buffer.count - offset, 1 << 30)
                crc = CZlib.crc32(crc, buffer.baseAddress! + offset, uInt(n))
                offset += n
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
