import Foundation
@testable import SpecdetClassify
import Testing

@Suite struct JSONDuplicateKeysTests {
    static func firstDuplicate(_ text: String) -> String? {
        JSONDuplicateKeys.first(in: Data(text.utf8))
    }

    @Test func aKeyRepeatedInOneObjectIsFound() {
        #expect(Self.firstDuplicate(#"{"a": 1, "b": 2, "a": 3}"#) == "a")
    }

    @Test func keysAreComparedAfterUnescaping() {
        #expect(Self.firstDuplicate(#"{"a": 1, "\u0061": 2}"#) == "a")
    }

    @Test func theSameKeyInSeparateObjectsIsNoDuplicate() {
        #expect(Self.firstDuplicate(#"{"x": {"a": 1}, "y": [{"a": 2}, {"a": 3}]}"#) == nil)
    }

    /// Value strings are stepped over, not read: a quote after an odd run of backslashes is
    /// inside the value, one after an even run ends it.
    @Test(arguments: [#""a\"b""#, #""a\\""#, #""a\\\"\"""#, #""\\\\""#, #""""#])
    func escapedQuotesInValuesDoNotEndThem(value: String) {
        #expect(Self.firstDuplicate(#"{"k": \#(value), "k": 1}"#) == "k")
        #expect(Self.firstDuplicate(#"{"k": \#(value), "j": "k", "l": 1}"#) == nil)
    }

    /// A value string that looks like a key must not be taken for one.
    @Test func aValueEqualToAKeyIsNoDuplicate() {
        #expect(Self.firstDuplicate(#"{"a": "a", "b": ["a", "b"]}"#) == nil)
    }

    @Test func anUnterminatedValueEndsTheScanWithoutAFinding() {
        #expect(Self.firstDuplicate(#"{"a": "never closed\"}"#) == nil)
    }
}
