import Testing
import SpecdetSupport

@Suite struct CheckedTests {
    @Test func productsAndSumsThatFit() {
        #expect(Checked.product() == 1)
        #expect(Checked.product(65_535, 65_535, 8) == 34_358_689_800)
        #expect(Checked.product(-3, 4) == -12)
        #expect(Checked.product(Int.max, 1) == Int.max)
        #expect(Checked.sum() == 0)
        #expect(Checked.sum(Int.max - 2, 1, 1) == Int.max)
    }

    @Test func overflowIsNil() {
        #expect(Checked.product(1 << 32, 1 << 31) == nil)
        #expect(Checked.product(Int.max, 2) == nil)
        #expect(Checked.product(Int.min, -1) == nil)
        #expect(Checked.sum(Int.max, 1) == nil)
        #expect(Checked.sum(Int.min, -1) == nil)
    }
}
