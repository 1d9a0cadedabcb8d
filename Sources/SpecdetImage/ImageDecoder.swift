import _SpecdetCodecC
import SpecdetSupport

/// Decodes PNG, JPEG, WebP, HEIF, AVIF and TIFF files to 8-bit luma, strictly: a damaged, truncated or oversized
/// input is an error with a stable code, never an image with invented pixels.
///
/// Convention: the format is sniffed from the content; only regular files are opened;
/// `DecodeLimits` are checked from the header before allocation; CRC, Adler-32 and truncation
/// errors fail even where libpng/libjpeg only warn. Safe to call from many threads at once.
public enum ImageDecoder {
    /// Decodes the file at `path` to luma.
    public static func decode(path: String, limits: DecodeLimits = .init()) throws(SpecdetError) -> GrayImage {
        try decodeDetailed(path: path, limits: limits).image
    }

    /// Decodes an in-memory image to luma.
    public static func decode(data: [UInt8], limits: DecodeLimits = .init()) throws(SpecdetError) -> GrayImage {
        try decodeDetailed(data: data, limits: limits).image
    }

    /// Decodes the file at `path`, with its format, source channels and warning count.
    public static func decodeDetailed(path: String, limits: DecodeLimits = .init()) throws(SpecdetError) -> DecodedImage {
        try decodeDetailed(pathBytes: Array(path.utf8), limits: limits)
    }

    /// Decodes the file whose path is the given bytes (no terminating NUL), so that names
    /// which are not valid UTF-8 can be opened exactly.
    public static func decodeDetailed(pathBytes: [UInt8], limits: DecodeLimits = .init()) throws(SpecdetError) -> DecodedImage {
        guard !pathBytes.contains(0) else { throw SpecdetError(.ioError, "the path contains a NUL byte") }
        return try (pathBytes + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cPath in
                decode(limits: limits) { sd_open_file(cPath.baseAddress, $0, $1, $2, $3, $4) }
            }
        }.get()
    }

    /// Decodes an in-memory image, with its format, source channels and warning count.
    public static func decodeDetailed(data: [UInt8], limits: DecodeLimits = .init()) throws(SpecdetError) -> DecodedImage {
        try data.withUnsafeBufferPointer { bytes in
            decode(limits: limits) { sd_open_memory(bytes.baseAddress, bytes.count, $0, $1, $2, $3, $4) }
        }.get()
    }

    private typealias Opener = (
        UnsafePointer<sd_limits>, UnsafeMutablePointer<OpaquePointer?>, UnsafeMutablePointer<sd_info>,
        UnsafeMutablePointer<CChar>, Int
    ) -> sd_status

    /// Opens with `open`, then lets the C glue write the rows straight into the array's storage.
    private static func decode(limits: DecodeLimits, open: Opener) -> Result<DecodedImage, SpecdetError> {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: cMessageCapacity) { buffer in
            let message = buffer.baseAddress!
            var cLimits = limits.cLimits
            var decoder: OpaquePointer?
            var info = sd_info()
            var status = open(&cLimits, &decoder, &info, message, cMessageCapacity)
            guard status == SD_OK, let decoder else {
                return .failure(SpecdetError(status: status, message: message, info: info))
            }
            defer { sd_close(decoder) }
            let count = Int(info.width) * Int(info.height)
            let pixels = [UInt8](unsafeUninitializedCapacity: count) { pixels, initialized in
                status = sd_read_gray(decoder, pixels.baseAddress, count, &info, message, cMessageCapacity)
                initialized = status == SD_OK ? count : 0
            }
            guard status == SD_OK else {
                return .failure(SpecdetError(status: status, message: message, info: info))
            }
            return .success(
                DecodedImage(
                    image: GrayImage(width: Int(info.width), height: Int(info.height), pixels: pixels),
                    format: ImageFormat(info.format),
                    sourceChannels: Int(info.source_channels),
                    warnings: Int(info.warnings)
                ))
        }
    }
}
