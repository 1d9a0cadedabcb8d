import Foundation

/// Vectors of one length (an RBF SVM's support vectors), stored in blocks of eight rows,
/// element-interleaved: the layout in which vector code measures a block's eight distances in
/// one vector each step (`KernelMath.squaredDistances`). Row-major copies are made on demand
/// (for writing a model and for training), never kept: a model's vectors are megabytes.
package struct VectorRows: Sendable, Equatable {
    /// Values per row.
    package let dimension: Int
    /// Rows.
    package let count: Int
    /// Element j of row i at `(i / 8) * 8 * dimension + 8 * j + i % 8`; the rows that fill the
    /// last block are zero.
    let blocks: [Float]

    /// The rows of `values`, row-major, `values.count / dimension` of them.
    package init(dimension: Int, values: [Float]) {
        precondition(dimension > 0 && values.count % dimension == 0, "whole rows of a positive dimension")
        self.init(dimension: dimension, count: values.count / dimension) { row, offset in
            values.withUnsafeBufferPointer { values in
                for j in 0..<dimension { row[8 * j] = values[offset + j] }
            }
        }
    }

    /// The rows of little-endian float32 `bytes`, row-major (a model file's packed array),
    /// laid out straight from the bytes: `bytes.count` must be a multiple of `4 * dimension`.
    init(dimension: Int, littleEndian bytes: Data) {
        precondition(dimension > 0 && bytes.count % (4 * dimension) == 0, "whole rows of a positive dimension")
        self.init(dimension: dimension, count: bytes.count / (4 * dimension)) { row, offset in
            bytes.withUnsafeBytes { bytes in
                for j in 0..<dimension {
                    row[8 * j] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * (offset + j), as: UInt32.self)))
                }
            }
        }
    }

    /// The rows given, which must share one positive length.
    package init(_ rows: [[Float]]) {
        let dimension = rows.first?.count ?? 1
        precondition(rows.allSatisfy { $0.count == dimension }, "rows of one length")
        self.init(dimension: dimension, values: rows.flatMap { $0 })
    }

    /// `count` rows, each written by `fill(first element of the row in its block, offset of
    /// the row's first value in row-major order)`, its elements 8 apart.
    private init(dimension: Int, count: Int, fill: (UnsafeMutablePointer<Float>, Int) -> Void) {
        self.dimension = dimension
        self.count = count
        let blockCount = (count + 7) / 8, padding = (blockCount * 8 - count) * dimension
        blocks = [Float](unsafeUninitializedCapacity: blockCount * 8 * dimension) { blocks, initialized in
            // Only a last, partly filled block has rows to zero.
            if padding > 0 { blocks[(blockCount - 1) * 8 * dimension ..< blockCount * 8 * dimension].initialize(repeating: 0) }
            for row in 0..<count {
                fill(blocks.baseAddress! + (row / 8) * 8 * dimension + row % 8, row * dimension)
            }
            initialized = blockCount * 8 * dimension
        }
    }

    /// Row-major, `count * dimension` values (a copy).
    package var values: [Float] {
        [Float](unsafeUninitializedCapacity: count * dimension) { values, initialized in
            for row in 0..<count {
                let start = (row / 8) * 8 * dimension + row % 8
                for j in 0..<dimension { values[row * dimension + j] = blocks[start + 8 * j] }
            }
            initialized = count * dimension
        }
    }

    /// The values of one row (a copy).
    package subscript(row: Int) -> [Float] {
        let start = (row / 8) * 8 * dimension + row % 8
        return (0..<dimension).map { blocks[start + 8 * $0] }
    }

    /// The first row holding a value for which `predicate` is true, with its first such value.
    func firstRow(holding predicate: (Float) -> Bool) -> (row: Int, value: Float)? {
        let blockSize = 8 * dimension
        for start in stride(from: 0, to: blocks.count, by: blockSize) {
            // A block's rows are interleaved: its first row with a hit is the first row overall.
            for lane in 0..<min(8, count - start / dimension) {
                if let j = (0..<dimension).first(where: { predicate(blocks[start + 8 * $0 + lane]) }) {
                    return (start / dimension + lane, blocks[start + 8 * j + lane])
                }
            }
        }
        return nil
    }
}

/// A numeric array in a model file: `{"dtype": "float32" | "float64", "shape": [...],
/// "base64": "..."}`, the values little-endian in row-major order, base64-encoded (RFC 4648),
/// so that loading a model is a copy rather than a parse of millions of decimal numbers. The
/// JSON coders' `.base64` data strategy (their default) turns the text into bytes and back;
/// JSONDecoder decodes text without escapes (all a model writer emits) without first making a
/// string of it.
struct PackedArray: Codable, Equatable {
    enum DataType: String, Codable {
        case float32, float64

        var byteCount: Int { self == .float32 ? 4 : 8 }
    }

    var dtype: DataType
    var shape: [Int]
    /// The values' little-endian bytes, stored as `base64`.
    var bytes: Data

    private enum CodingKeys: String, CodingKey {
        case dtype, shape
        case bytes = "base64"
    }

    /// Largest number of values accepted (a model file is bounded in size anyway).
    static let maximumCount = 1 << 28

    init(_ values: [Float], shape: [Int]) {
        dtype = .float32
        self.shape = shape
        bytes = values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
    }

    init(_ values: [Double]) {
        dtype = .float64
        shape = [values.count]
        bytes = values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try container.decode(DataType.self, forKey: .dtype)
        shape = try container.decode([Int].self, forKey: .shape)
        do {
            bytes = try container.decode(Data.self, forKey: .bytes)
        } catch DecodingError.dataCorrupted {
            // Foundation's wording ("Encountered Data is not valid Base64.") in the project's.
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container,
                                                   debugDescription: "text that is not base64 (RFC 4648, no spaces)")
        } catch DecodingError.valueNotFound(_, let context) {
            throw DecodingError.valueNotFound(String.self, context)  // the text, not a Swift type, is wanted
        }
    }

    /// The little-endian bytes as values, by one copy (`checkedBytes` has checked that the
    /// count of bytes is a multiple of the value's size).
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

    /// The little-endian bytes of the `type` array stored at `key`, checked against its
    /// `dtype` and `shape`; a decoding error at that key otherwise.
    func checkedBytes<Key: CodingKey>(_ type: DataType, at key: Key, in container: KeyedDecodingContainer<Key>) throws -> Data {
        func corrupted(_ reason: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: reason)
        }
        guard dtype == type else { throw corrupted("dtype \(dtype.rawValue), expected \(type.rawValue)") }
        guard !shape.isEmpty, shape.allSatisfy({ (0...Self.maximumCount).contains($0) }) else {
            throw corrupted("the impossible shape \(shape)")
        }
        let (count, overflow) = shape.reduce((1, false)) { partial, size in
            let (product, overflow) = partial.0.multipliedReportingOverflow(by: size)
            return (product, partial.1 || overflow)
        }
        guard !overflow, count <= Self.maximumCount, bytes.count == count * type.byteCount else {
            throw corrupted("base64 data that does not hold \(shape) \(type.rawValue) values")
        }
        return bytes
    }

    /// The values of a float32 array (little-endian on every platform) stored at `key`; a
    /// decoding error at that key otherwise.
    func floats<Key: CodingKey>(at key: Key, in container: KeyedDecodingContainer<Key>) throws -> [Float] {
        Self.copy(try checkedBytes(.float32, at: key, in: container), as: Float.self)
    }

    /// The values of a float64 array (little-endian on every platform) stored at `key`; a
    /// decoding error at that key otherwise.
    func doubles<Key: CodingKey>(at key: Key, in container: KeyedDecodingContainer<Key>) throws -> [Double] {
        Self.copy(try checkedBytes(.float64, at: key, in: container), as: Double.self)
    }
}
