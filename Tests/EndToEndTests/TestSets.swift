import Foundation
import Testing

/// Which suites run: `make test` runs the fast set; suites marked `.slow` (a minute or more in a
/// debug build on a loaded 2-core machine) run only when `SPECDET_TESTS=all`, as `make test-all`
/// and CI do.
enum TestSets {
    static let all = ProcessInfo.processInfo.environment["SPECDET_TESTS"] == "all"
}

extension Trait where Self == ConditionTrait {
    /// Runs only in the complete set (`make test-all`).
    static var slow: Self {
        .enabled(if: TestSets.all, "slow: runs in make test-all (SPECDET_TESTS=all)")
    }
}
