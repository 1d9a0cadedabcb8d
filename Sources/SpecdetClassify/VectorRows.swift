import Foundation

/// Vectors of one length, stored row after row in one buffer (an RBF SVM's support vectors):
/// one allocation, and a row is a pointer offset away. A second copy holds them in blocks of
/// eight rows, element-interleaved, the layout in which vector code measures a block's eight
/// distances in one vector each step (`KernelMath.squaredDistances`).
package struct VectorRows: Sendable, Equatable {
    /// Values per row.
    package let dimension: Int
    /// Row-major, `count * dimension` values.
    package let values: [Float]
    /// Element j of row i at `(i / 8) * 8 * dimension + 8 * j + i % 8`; the rows that fill the
    /// last block are zero.
    let blocks: [Float]

    package var count: Int { dimension == 0 ? 0 : values.count / dimension }

    package init(dimension: Int, values: [Float]) {
        precondition(dimension > 0 && values.count % dimension == 0, "whole rows of a positive dimension")
        self.dimension = dimension
        self.values = values
        let count = values.count / dimension, blockCount = (count + 7) / 8
        blocks = [Float](unsafeUninitializedCapacity: blockCount * 8 * dimension) { blocks, initialized in
            blocks.initialize(repeating: 0)
            values.withUnsafeBufferPointer { values in
                for row in 0..<count {
                    let block = blocks.baseAddress! + (row / 8) * 8 * dimension + row % 8
                    let source = values.baseAddress! + row * dimension
                    for j in 0..<dimension { block[8 * j] = source[j] }
                }
            }
            initialized = blockCount * 8 * dimension
        }
    }

    /// The rows given, which must share one positive length.
    package init(_ rows: [[Float]]) {
        let dimension = rows.first?.count ?? 1
        precondition(rows.allSatisfy { $0.count == dimension }, "rows of one length")
        self.init(dimension: dimension, values: rows.flatMap { $0 })
    }

    package subscript(row: Int) -> ArraySlice<Float> {
        values[row * dimension ..< (row + 1) * dimension]
    }

    /// The same rows (the blocks follow from them).
    package static func == (lhs: VectorRows, rhs: VectorRows) -> Bool {
        lhs.dimension == rhs.dimension && lhs.values == rhs.values
    }
}

/// A numeric array in a model file: `{"dtype": "float32" | "float64", "shape": [...],
/// "base64": "..."}`, the values little-endian in row-major order, base64-encoded (RFC 4648),
/// so that loading a model is a copy rather than a parse of millions of decimal numbers.
struct PackedArray: Codable, Equatable {
    enum DataType: String, Codable {
        case float32, float64

        var byteCount: Int { self == .float32 ? 4 : 8 }
    }

    var dtype: DataType
    var shape: [Int]
    var base64: String

    /// Largest number of values accepted (a model file is bounded in size anyway).
    static let maximumCount = 1 << 28

    init(_ values: [Float], shape: [Int]) {
        dtype = .float32
        self.shape = shape
        base64 = values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    init(_ values: [Double]) {
        dtype = .float64
        shape = [values.count]
        base64 = values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The decoded bytes, checked against `dtype` and `shape`; nil with the reason otherwise.
    private func bytes(expecting type: DataType) -> Result<Data, Failure> {
        guard dtype == type else { return .failure(Failure("dtype \(dtype.rawValue), expected \(type.rawValue)")) }
        guard !shape.isEmpty, shape.allSatisfy({ (0...Self.maximumCount).contains($0) }) else {
            return .failure(Failure("the impossible shape \(shape)"))
        }
        let (count, overflow) = shape.reduce((1, false)) { partial, size in
            let (product, overflow) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || overflow)
        }
        guard !overflow, count <= Self.maximumCount, let data = Data(base64Encoded: base64),
              data.count == count * type.byteCount else {
            return .failure(Failure("base64 data that does not hold \(shape) \(type.rawValue) values"))
        }
        return .success(data)
    }

    /// The little-endian bytes as values, by one copy (`bytes` has checked that the count of
    /// bytes is a multiple of the value's size).
    private static func copy<Value: BitwiseCopyable>(_ data: Data, as: Value.Type) -> [Value] {
        let size = MemoryLayout<Value>.stride, count = data.count / size
        return [Value](unsafeUninitializedCapacity: count) { values, initialized in
            let bytes = UnsafeMutableRawBufferPointer(values)
            data.withUnsafeBytes { bytes.copyMemory(from: $0) }
            #if _endian(big)
            for start in stride(from: 0, to: bytes.count, by: size) { bytes[start ..< start + size].reverse() }
            #endif
            initialized = count
        }
    }

    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// The values of a float32 array (little-endian on every platform) stored at `key`; a
    /// decoding error at that key otherwise.
    func floats<Key: CodingKey>(at key: Key, in container: KeyedDecodingContainer<Key>) throws -> [Float] {
        let data = try bytes(expecting: .float32).mapError { failure in
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: failure.reason)
        }.get()
        return Self.copy(data, as: Float.self)
    }

    /// The values of a float64 array (little-endian on every platform) stored at `key`; a
    /// decoding error at that key otherwise.
    func doubles<Key: CodingKey>(at key: Key, in container: KeyedDecodingContainer<Key>) throws -> [Double] {
        let data = try bytes(expecting: .float64).mapError { failure in
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: failure.reason)
        }.get()
        return Self.copy(data, as: Double.self)
    }
}
