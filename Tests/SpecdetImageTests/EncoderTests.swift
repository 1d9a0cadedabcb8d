import SpecdetImage
import Testing
import SpecdetSupport

@Suite struct EncoderTests {
    /// A real photograph's luma (the 64x48 RGBA fixture through the decoder).
    static func photo() throws -> GrayImage {
        try ImageDecoder.decode(path: Fixtures.path("malformed/png/png_rgba_8.png"))
    }

    @Test func jpegRoundTripKeepsSizeAndIsClose() throws {
        let image = try Self.photo()
        let bytes = try JPEGEncoder.encode(image, quality: 95)
        #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]) && bytes.suffix(2) == [0xFF, 0xD9])
        let decoded = try ImageDecoder.decodeDetailed(data: bytes)
        #expect(decoded.format == .jpeg && decoded.sourceChannels == 1 && decoded.warnings == 0)
        #expect(decoded.image.width == image.width && decoded.image.height == image.height)
        let squaredError = zip(image.pixels, decoded.image.pixels).reduce(0) { sum, pair in
            let difference = Int(pair.0) - Int(pair.1)
            return sum + difference * difference
        }
        let meanSquaredError = Double(squaredError) / Double(image.pixels.count)
        #expect(meanSquaredError < 10, "quality 95 should be close: MSE \(meanSquaredError)")
        #expect(meanSquaredError > 0, "JPEG is lossy on a photograph")
    }

    @Test func qualityChangesTheBytes() throws {
        let image = try Self.photo()
        let low = try JPEGEncoder.encode(image, quality: 50)
        let high = try JPEGEncoder.encode(image, quality: 95)
        #expect(low != high)
        #expect(low.count < high.count)
        #expect(try JPEGEncoder.encode(image, quality: 500) == JPEGEncoder.encode(image, quality: 100))
    }

    @Test func jpegCannotHoldMoreThan65500Columns() {
        let wide = GrayImage(width: 65_501, height: 1, pixels: [UInt8](repeating: 7, count: 65_501))
        let error = #expect(throws: SpecdetError.self) { _ = try JPEGEncoder.encode(wide, quality: 90) }
        #expect(error?.code == .pixelLimitExceeded)
    }

    @Test(arguments: [(64, 48), (1, 1), (1, 300), (300, 1), (33, 7)])
    func pngRoundTripIsLossless(width: Int, height: Int) throws {
        let pixels = (0..<width * height).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ $0 / width) }
        let image = GrayImage(width: width, height: height, pixels: pixels)
        let bytes = try PNGEncoder.encode(image)
        let decoded = try ImageDecoder.decodeDetailed(data: bytes)
        #expect(decoded.format == .png && decoded.sourceChannels == 1 && decoded.warnings == 0)
        #expect(decoded.image == image)
    }

    @Test func emptyImagesAreErrorsNotCrashes() {
        let empty = GrayImage(width: 0, height: 0, pixels: [])
        #expect(throws: SpecdetError.self) { _ = try PNGEncoder.encode(empty) }
        #expect(throws: SpecdetError.self) { _ = try JPEGEncoder.encode(empty, quality: 90) }
    }
}
