/// Resource limits for decoding one image, each checked before the memory or time it guards
/// is spent.
///
/// Convention: sizes in bytes, counts in pixels or scans, `0` turns a limit off, negative
/// values are a programming error. The defaults are the promises of `RELIABILITY.md`.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest `width * height`, checked from the header. Default 178,956,970 (Pillow's
    /// `DecompressionBombError` threshold).
    public var maxPixels: Int

    /// Largest width and largest height, checked from the header (for PNG while libpng parses
    /// IHDR). Default 65,535: JPEG's own maximum is 65,500, and it keeps one-row "strips" of
    /// the pixel budget out of the FFT.
    public var maxSide: Int

    /// Largest file, checked with `fstat` before reading (a sparse 10 GiB file is rejected
    /// without reading a byte). Default 256 MiB. Does not apply to in-memory data.
    public var maxFileBytes: Int

    /// Most JPEG scans (SOS markers), counted while decoding. Default 500, as libjpeg-turbo's
    /// own tools: each scan is a pass over the whole coefficient buffer.
    public var maxProgressiveScans: Int

    /// Most memory libjpeg may use (`mem->max_memory_to_use`). A progressive or other
    /// multi-scan JPEG keeps all its DCT coefficients, 128 bytes per 8x8 block per component;
    /// one that needs more fails with `pixel_limit_exceeded` before the buffer is allocated.
    /// The same bound applies, estimated from the header, to libwebp's buffers (7 bytes a
    /// pixel for lossless, the chroma planes for lossy), libheif's planes and one TIFF strip
    /// or tile (also libtiff's largest single allocation).
    /// Default 1 GiB: enough for a 4:2:0 colour or a gray image at `maxPixels`, not for a
    /// 4:4:4 or CMYK one that large.
    public var maxDecoderMemoryBytes: Int

    /// Wall-clock budget per image in milliseconds, checked between rows, passes and scans.
    /// Default 0: no budget, so that results never depend on the machine's load.
    public var maxDecodeMilliseconds: Int

    /// Limits with the documented defaults, or the given values.
    public init(
        maxPixels: Int = 178_956_970,
        maxSide: Int = 65_535,
        maxFileBytes: Int = 256 << 20,
        maxProgressiveScans: Int = 500,
        maxDecoderMemoryBytes: Int = 1 << 30,
        maxDecodeMilliseconds: Int = 0
    ) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
        self.maxFileBytes = maxFileBytes
        self.maxProgressiveScans = maxProgressiveScans
        self.maxDecoderMemoryBytes = maxDecoderMemoryBytes
        self.maxDecodeMilliseconds = maxDecodeMilliseconds
    }
}
