/// Reads NumPy `.npz` archives (`np.savez`, `np.savez_compressed`) natively: a zip file whose
/// members `name.npy` are `.npy` files, stored (method 0) or deflate-compressed (method 8).
///
/// Only the central directory is trusted for sizes (NumPy writes local headers with ZIP64
/// placeholders); ZIP64 central-directory extras and end records are understood. Every offset
/// and size is checked against the file before use, CRC-32 is verified, and a member is
/// decompressed only when asked for, never to more bytes than its header claims. Multi-disk,
/// encrypted or otherwise-compressed members, duplicate names and entries pointing outside the
/// file are errors (``WeightImportError``). Members not ending in `.npy` are ignored.
///
/// Format: PKWARE APPNOTE.TXT 6.3.x, §4.3 (central directory, end records), §4.5.3 (ZIP64).
public struct NPZArchive: Sendable {
    struct Member: Sendable {
        let name: String
        let method: UInt16
        let crc: UInt32
        let dataStart: Int
        let compressedSize: Int
        let uncompressedSize: Int
    }

    public let file: String
    let bytes: [UInt8]
    let members: [Member]

    /// The array names (member names without `.npy`), in archive order.
    public var names: [String] { members.map(\.name) }

    /// Opens the archive at `path` and reads its central directory.
    public init(path: String) throws {
        try self.init(bytes: try loadFile(path), file: path)
    }

    /// Parses archive bytes; `file` names the source in errors.
    public init(bytes: [UInt8], file: String) throws {
        self.file = file
        self.bytes = bytes
        self.members = try Self.centralDirectory(bytes, fail: { WeightImportError(file: file, message: $0) })
    }

    /// The array stored as `name.npy`.
    public func array(_ name: String) throws -> NumericArray {
        guard let member = members.first(where: { $0.name == name }) else {
            throw WeightImportError(file: file, message: "has no array '\(name)'; arrays: \(names.joined(separator: ", "))")
        }
        let where_ = "\(file):\(name).npy"
        let raw = bytes[member.dataStart..<(member.dataStart + member.compressedSize)]
        let content: [UInt8]
        if member.method == 0 {
            guard member.compressedSize == member.uncompressedSize else {
                throw WeightImportError(file: where_, message: "stored member has compressed size \(member.compressedSize) != size \(member.uncompressedSize)")
            }
            content = Array(raw)
        } else {
            guard let inflated = Inflate.inflate(raw, expectedSize: member.uncompressedSize) else {
                throw WeightImportError(file: where_, message: "deflate data is corrupt or does not inflate to the \(member.uncompressedSize) bytes claimed")
            }
            content = inflated
        }
        guard Inflate.crc32(content[...]) == member.crc else {
            throw WeightImportError(file: where_, message: "CRC-32 mismatch (corrupt archive)")
        }
        return try NPYReader.parse(content, name: name, file: where_)
    }

    private static func u16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    private static func u32(_ b: [UInt8], _ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(b[at + $1]) << (8 * $1) } }
    /// A little-endian UInt64 that must fit in `Int` (else nil).
    private static func u64(_ b: [UInt8], _ at: Int) -> Int? {
        let v = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64($1)) }
        return v <= UInt64(Int.max) ? Int(v) : nil
    }

    static func centralDirectory(_ b: [UInt8], fail: (String) -> WeightImportError) throws -> [Member] {
        // End of central directory: 22 bytes + comment ≤ 65535, found by scanning backwards.
        guard b.count >= 22 else { throw fail("not a zip (.npz) archive: too short") }
        var eocd = -1
        var i = b.count - 22
        while i >= max(0, b.count - 22 - 65535) {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw fail("not a zip (.npz) archive: no end of central directory") }
        guard u16(b, eocd + 4) == 0 || u16(b, eocd + 4) == 0xFFFF, u16(b, eocd + 6) == 0 || u16(b, eocd + 6) == 0xFFFF else {
            throw fail("multi-disk zip archives are not supported")
        }
        var count = u16(b, eocd + 10), size = u32(b, eocd + 12), offset = u32(b, eocd + 16)
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // ZIP64 end of central directory locator (20 bytes) just before the end record.
            let locator = eocd - 20
            guard locator >= 0, u32(b, locator) == 0x0706_4B50, let record = u64(b, locator + 8),
                  record <= b.count - 56, u32(b, record) == 0x0606_4B50,
                  let c = u64(b, record + 32), let s = u64(b, record + 40), let o = u64(b, record + 48) else {
                throw fail("ZIP64 end of central directory is missing or corrupt")
            }
            (count, size, offset) = (c, s, o)
        }
        guard offset <= b.count, size <= b.count - offset else {
            throw fail("central directory (\(size) bytes at \(offset)) lies outside the \(b.count)-byte file")
        }
        guard count <= size / 46 else { throw fail("central directory claims \(count) entries in \(size) bytes") }
        var members: [Member] = []
        var names = Set<String>()
        var p = offset
        let end = offset + size
        for _ in 0..<count {
            guard end - p >= 46, u32(b, p) == 0x0201_4B50 else { throw fail("corrupt central directory entry") }
            let flags = u16(b, p + 8), method = UInt16(u16(b, p + 10))
            let crc = UInt32(u32(b, p + 16))
            var compressed = u32(b, p + 20), uncompressed = u32(b, p + 24)
            let nameLength = u16(b, p + 28), extraLength = u16(b, p + 30), commentLength = u16(b, p + 32)
            var local = u32(b, p + 42)
            guard nameLength + extraLength + commentLength <= end - p - 46 else { throw fail("central directory entry overruns the directory") }
            let rawName = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            // ZIP64 extended information (header id 0x0001): the 8-byte fields present are those
            // whose 32-bit field is 0xFFFFFFFF, in the order uncompressed, compressed, offset.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while extraEnd - e >= 4 {
                let id = u16(b, e), length = u16(b, e + 2)
                guard length <= extraEnd - e - 4 else { throw fail("corrupt extra field in entry '\(rawName)'") }
                if id == 0x0001 {
                    var f = e + 4
                    func next() throws -> Int {
                        guard e + 4 + length - f >= 8, let v = u64(b, f) else { throw fail("corrupt ZIP64 field in entry '\(rawName)'") }
                        f += 8
                        return v
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if local == 0xFFFF_FFFF { local = try next() }
                }
                e += 4 + length
            }
            p += 46 + nameLength + extraLength + commentLength
            guard rawName.hasSuffix(".npy") else { continue }
            let name = String(rawName.dropLast(4))
            guard flags & 1 == 0 else { throw fail("member '\(rawName)' is encrypted") }
            guard method == 0 || method == 8 else { throw fail("member '\(rawName)' uses compression method \(method); only stored (0) and deflate (8) are supported") }
            guard names.insert(name).inserted else { throw fail("archive holds '\(rawName)' twice") }
            // Local header: 30 bytes + name + extra, then the data.
            guard local <= b.count - 30, u32(b, local) == 0x0403_4B50 else { throw fail("member '\(rawName)' has no local header at offset \(local)") }
            let dataStart = local + 30 + u16(b, local + 26) + u16(b, local + 28)
            guard dataStart <= b.count, compressed <= b.count - dataStart else {
                throw fail("member '\(rawName)' (\(compressed) bytes at \(dataStart)) extends beyond the end of the file")
            }
            members.append(Member(name: name, method: method, crc: crc, dataStart: dataStart,
                                  compressedSize: compressed, uncompressedSize: uncompressed))
        }
        return members
    }
}
