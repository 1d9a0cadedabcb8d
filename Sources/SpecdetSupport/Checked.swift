/// Arithmetic on sizes that come from untrusted input (image headers, command-line sizes):
/// nil instead of a trap when the result does not fit an `Int`.
package enum Checked {
    /// The product of `factors` (1 for none), or nil when it overflows `Int`.
    package static func product(_ factors: Int...) -> Int? {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            result = value
        }
        return result
    }

    /// The sum of `terms` (0 for none), or nil when it overflows `Int`.
    package static func sum(_ terms: Int...) -> Int? {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(term)
            guard !overflow else { return nil }
            result = value
        }
        return result
    }
}
