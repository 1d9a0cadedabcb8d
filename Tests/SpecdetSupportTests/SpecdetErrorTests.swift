import SpecdetSupport
import Testing

@Suite struct SpecdetErrorTests {
    /// Codes are written in outputs: each raw value is distinct and snake_case.
    @Test func rawValuesAreDistinctSnakeCase() {
        let raw = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
    }

    @Test func prefixedAndSizedKeepTheRest() {
        let error = SpecdetError(.pixelLimitExceeded, "too large", width: 3, height: 4)
        #expect(error.prefixed("file: ") == SpecdetError(.pixelLimitExceeded, "file: too large", width: 3, height: 4))
        #expect(SpecdetError(.tooSmall, "x").sized(width: 5, height: 6) == SpecdetError(.tooSmall, "x", width: 5, height: 6))
        #expect(error.description == "pixel_limit_exceeded: too large")
    }
}
