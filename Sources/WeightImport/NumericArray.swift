/// One array read from a weight file: its name, element type, shape (C order, last axis
/// fastest) and raw little-endian bytes, convertible to `Double`.
public struct NumericArray: Sendable, Equatable {
    public let name: String
    public let type: ElementType
    public let shape: [Int]
    /// `count · type.size` bytes, C order, little-endian.
    public let bytes: [UInt8]

    /// Precondition: `bytes.count == product(shape) · type.size` (the readers check it).
    init(name: String, type: ElementType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == (shape.reduce(1, *)) * type.size, "NumericArray: \(bytes.count) bytes for shape \(shape) of \(type)")
        self.name = name
        self.type = type
        self.shape = shape
        self.bytes = bytes
    }

    /// Number of elements, `∏ shape`.
    public var count: Int { bytes.count / type.size }

    /// Every element as a `Double`, C order (exact except 64-bit integers beyond ±2⁵³).
    public func doubles() -> [Double] {
        let n = count, size = type.size, type = self.type
        return bytes.withUnsafeBytes { raw in
            [Double](unsafeUninitializedCapacity: n) { out, initialised in
                for i in 0..<n { out[i] = type.value(raw, at: i * size) }
                initialised = n
            }
        }
    }

    /// The single element of a 0-d or one-element array (a hyper-parameter), or nil.
    public var scalar: Double? { count == 1 ? doubles()[0] : nil }
}

/// `∏ shape · elementSize` in bytes, or nil when a dimension is negative or the product
/// overflows `Int` — so a header claiming a huge shape is rejected before anything is allocated.
func byteCount(shape: [Int], elementSize: Int) -> Int? {
    var total = elementSize
    for d in shape {
        guard d >= 0 else { return nil }
        let (p, overflow) = total.multipliedReportingOverflow(by: d)
        if overflow { return nil }
        total = p
    }
    return total
}
