import Foundation
import Testing
@testable import SpecdetClassify

/// Rows laid out in blocks of eight read back as they were given, however they arrive.
@Suite struct VectorRowsTests {
    @Test func rowsReadBackFromValuesAndFromBytes() {
        for count in [1, 7, 8, 9, 16, 17] {
            let dimension = 3
            let values = (0..<(count * dimension)).map { Float($0) * 0.5 - 3 }
            let rows = VectorRows(dimension: dimension, values: values)
            let bytes = values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
            let fromBytes = VectorRows(dimension: dimension, littleEndian: bytes)
            #expect(rows.count == count && rows.values == values && fromBytes == rows && fromBytes.values == values)
            #expect((0..<count).allSatisfy { rows[$0] == Array(values[$0 * dimension ..< ($0 + 1) * dimension]) })
            // The rows that fill the last block are zero.
            #expect(rows.blocks.count == (count + 7) / 8 * 8 * dimension)
            #expect(rows.blocks.filter { $0 == 0 }.count == (count + 7) / 8 * 8 * dimension - count * dimension
                    + values.filter { $0 == 0 }.count)
        }
    }

    @Test func firstRowHoldingAValueIsTheFirstInRowOrder() {
        // Row 5 holds a hit in its first element, row 2 only in its last: row 2 comes first.
        var values = [Float](repeating: 1, count: 12 * 4)
        values[5 * 4] = .nan
        values[2 * 4 + 3] = .infinity
        values[11 * 4] = .nan
        let rows = VectorRows(dimension: 4, values: values)
        let hit = rows.firstRow(holding: { !$0.isFinite })
        #expect(hit?.row == 2 && hit?.value == .infinity)
        #expect(rows.firstRow(holding: { $0 == 0 }) == nil)  // padding is not a row
    }
}
