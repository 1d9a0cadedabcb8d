import _SpecdetCodecC
import SpecdetSupport

/// Bytes for a C glue message (one line; longer ones are cut).
let cMessageCapacity = 256

extension ErrorCode {
    /// The code for a C glue status other than `SD_OK` (the two enums correspond 1:1).
    init(_ status: sd_status) {
        switch status {
        case SD_NOT_FOUND: self = .notFound
        case SD_NOT_REGULAR_FILE: self = .notRegularFile
        case SD_PERMISSION_DENIED: self = .permissionDenied
        case SD_SYMLINK_LOOP: self = .symlinkLoop
        case SD_DANGLING_SYMLINK: self = .danglingSymlink
        case SD_EMPTY_FILE: self = .emptyFile
        case SD_FILE_TOO_LARGE: self = .fileTooLarge
        case SD_UNKNOWN_FORMAT: self = .unknownFormat
        case SD_UNSUPPORTED_FORMAT: self = .unsupportedFormat
        case SD_TRUNCATED: self = .truncated
        case SD_CHECKSUM_MISMATCH: self = .checksumMismatch
        case SD_CORRUPT_DATA: self = .corruptData
        case SD_INVALID_HEADER: self = .invalidHeader
        case SD_PIXEL_LIMIT_EXCEEDED: self = .pixelLimitExceeded
        case SD_SCAN_LIMIT_EXCEEDED: self = .scanLimitExceeded
        case SD_TOO_SMALL: self = .tooSmall
        case SD_TIME_LIMIT_EXCEEDED: self = .timeLimitExceeded
        case SD_IO_ERROR: self = .ioError
        default: self = .decoderError
        }
    }
}

extension SpecdetError {
    /// The error for a failed C glue call and the message it wrote.
    init(status: sd_status, message: UnsafePointer<CChar>) {
        self.init(ErrorCode(status), String(cString: message))
    }

    /// The same, with the header's size for a refusal because of that size (the C glue
    /// leaves 0 in `info` when it did not read one). A damaged file keeps no size: its
    /// header's claim is not an image.
    init(status: sd_status, message: UnsafePointer<CChar>, info: sd_info) {
        let known = status == SD_PIXEL_LIMIT_EXCEEDED && info.width > 0 && info.height > 0
        self.init(ErrorCode(status), String(cString: message),
                  width: known ? Int(info.width) : nil, height: known ? Int(info.height) : nil)
    }
}

extension DecodeLimits {
    /// The C glue's form of these limits.
    var cLimits: sd_limits {
        precondition(
            [maxPixels, maxSide, maxFileBytes, maxProgressiveScans, maxDecoderMemoryBytes, maxDecodeMilliseconds]
                .allSatisfy { $0 >= 0 },
            "decode limits must not be negative")
        return sd_limits(
            max_pixels: UInt64(maxPixels),
            max_side: UInt32(clamping: maxSide),
            max_file_bytes: UInt64(maxFileBytes),
            max_scans: UInt32(clamping: maxProgressiveScans),
            max_decoder_memory: UInt64(maxDecoderMemoryBytes),
            max_decode_ms: UInt32(clamping: maxDecodeMilliseconds)
        )
    }
}

/// A C glue encoder: pixels, width, height, output, output length, message, message capacity.
typealias CEncoder = (
    UnsafePointer<UInt8>?, UInt32, UInt32, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
    UnsafeMutablePointer<Int>, UnsafeMutablePointer<CChar>, Int
) -> sd_status

/// Runs a C encoder on `image` and copies its malloc'd output once into an array.
func encoded(_ image: GrayImage, with encode: CEncoder) throws(SpecdetError) -> [UInt8] {
    guard let width = UInt32(exactly: image.width), let height = UInt32(exactly: image.height) else {
        throw SpecdetError(.pixelLimitExceeded, "\(image.width)x\(image.height) image is too large to encode")
    }
    let result: Result<[UInt8], SpecdetError> = withUnsafeTemporaryAllocation(
        of: CChar.self, capacity: cMessageCapacity
    ) { buffer in
        let message = buffer.baseAddress!
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            encode(pixels.baseAddress, width, height, &output, &length, message, cMessageCapacity)
        }
        guard status == SD_OK, let output else {
            return .failure(SpecdetError(status: status, message: message))
        }
        defer { sd_free(output) }
        return .success(Array(UnsafeBufferPointer(start: output, count: length)))
    }
    return try result.get()
}
