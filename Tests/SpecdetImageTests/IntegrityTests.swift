import SpecdetImage
import Testing
import SpecdetSupport

/// A PNG taken apart into chunks, to damage one thing and put it back with valid CRCs.
struct PNGChunks {
    var chunks: [(type: String, data: [UInt8])]

    init(_ bytes: [UInt8]) {
        chunks = []
        var at = 8
        while at + 12 <= bytes.count {
            let length = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            chunks.append((type, Array(bytes[at + 8..<at + 8 + length])))
            at += 12 + length
        }
    }

    /// The file with every CRC recomputed (except where `badCRC` names the chunk type).
    func bytes(badCRC: String? = nil) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        for (type, data) in chunks {
            let body = Array(type.utf8) + data
            let crc = crc32(body) ^ (type == badCRC ? 1 : 0)
            out += bigEndian(UInt32(data.count)) + body + bigEndian(crc)
        }
        return out
    }

    /// All IDAT data (one zlib stream), and the same chunks with it replaced by one IDAT.
    var zlibStream: [UInt8] { chunks.filter { $0.type == "IDAT" }.flatMap(\.data) }

    func replacingImageData(with stream: [UInt8]) -> PNGChunks {
        var copy = self
        let first = chunks.firstIndex { $0.type == "IDAT" }!
        copy.chunks.removeAll { $0.type == "IDAT" }
        copy.chunks.insert(("IDAT", stream), at: first)
        return copy
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// RELIABILITY.md promise 5: damage after the last row, which libpng only warns about or never
/// reads, is an error.
@Suite struct IntegrityTests {
    static let png = PNGChunks(fixtureBytes(Fixtures.path("malformed/png/png_rgba_8.png"))!)

    @Test func untouchedRebuildDecodes() throws {
        let decoded = try ImageDecoder.decodeDetailed(data: Self.png.bytes())
        #expect(decoded.warnings == 0)
        #expect(decoded.image == (try ImageDecoder.decode(path: Fixtures.path("malformed/png/png_rgba_8.png"))))
    }

    @Test func adler32MismatchIsAChecksumError() {
        var stream = Self.png.zlibStream
        stream[stream.count - 1] ^= 0xFF
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(data: Self.png.replacingImageData(with: stream).bytes())
        }
        #expect(error?.code == .checksumMismatch)
    }

    /// All rows present, but the zlib stream stops before its end (no final Adler-32).
    @Test func shortZlibStreamIsAnError() {
        let stream = Array(Self.png.zlibStream.dropLast(4))
        let error = #expect(throws: SpecdetError.self) {
            _ = try ImageDecoder.decode(data: Self.png.replacingImageData(with: stream).bytes())
        }
        #expect(error?.code == .corruptData)
    }

    /// Bytes after the end of the zlib stream: the rows are complete and checked, so the image
    /// is kept and flagged (as MANIFEST's png_idat_too_much_data).
    @Test func bytesAfterTheZlibStreamAreAWarning() throws {
        let stream = Self.png.zlibStream + [0, 1, 2]
        let decoded = try ImageDecoder.decodeDetailed(data: Self.png.replacingImageData(with: stream).bytes())
        #expect(decoded.warnings > 0)
        #expect(decoded.image.width == 64)
    }

    /// libpng discards an ancillary chunk with a bad CRC and warns; specdet rejects the file.
    @Test func ancillaryChunkCRCErrorIsAnError() {
        var png = Self.png
        png.chunks.insert(("tEXt", Array("Comment\u{0}hello".utf8)), at: 1)
        #expect(throws: Never.self) { _ = try ImageDecoder.decode(data: png.bytes()) }
        let error = #expect(throws: SpecdetError.self) { _ = try ImageDecoder.decode(data: png.bytes(badCRC: "tEXt")) }
        #expect(error?.code == .checksumMismatch)
    }
}
