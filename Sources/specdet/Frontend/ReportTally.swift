import SpecdetSupport

/// An input among the highest P(fake) of a report, kept for its evidence.
struct ReportCandidate {
    /// Its position in the input order (its row's number from 0).
    let index: Int
    let path: InputPath
    let probability: Double
    let features: [Float]
    let size: ImageSize
    /// Its row as the score columns give it.
    let fields: [String]
    /// Inside the model's domain (`in_domain` not false): only such an input has a verdict.
    let inDomain: Bool
}

/// What a report keeps of its rows while they stream past, in memory that does not grow with
/// their number: counts, the histogram of P(fake), the `limit` inputs of highest P(fake) (a
/// bounded heap; inputs outside the model's domain rank below every input inside it, since
/// they have no verdict to show evidence for), and the scores of the labelled inputs for the
/// evaluation (two numbers an input: the only part that grows, and only with
/// `--real`/`--fake`).
///
/// Counts are keyed on the row data: the `status` column (ok, or each error code), the
/// `label` column's values (whatever labels the score rows have) and the values of every
/// column beyond the known ones (`path`, `status`, `probability_fake`, `width`, `height`),
/// so that a column added to the score rows is counted without a change here; a column with
/// more than `distinctValueLimit` values is not counted.
struct ReportTally {
    let columns: [String]
    let limit: Int
    private(set) var rows = 0
    private(set) var statusCounts: [String: Int] = [:]
    /// Per counted column (in `columns` order), each value's count; nil once too many values.
    private(set) var valueCounts: [(column: String, counts: [String: Int]?)]
    /// Counts of P(fake) in `histogramBins` equal bins of [0, 1] (1 in the last).
    private(set) var histogram: [Int]
    private var heap: [ReportCandidate] = []
    private(set) var labelled: (labels: [Int], scores: [Double]) = ([], [])
    /// Inputs given as real / fake, whatever their outcome.
    private(set) var givenCounts = [0, 0]
    /// Scored inputs given as real or fake that lie outside the model's domain.
    private(set) var labelledOutOfDomain = 0

    static let histogramBins = 20
    static let distinctValueLimit = 12
    static let knownColumns: Set<String> = ["path", "status", "probability_fake", "width", "height"]

    init(columns: [String], limit: Int) {
        self.columns = columns
        self.limit = limit
        valueCounts = columns.filter { !Self.knownColumns.contains($0) }.map { ($0, [:]) }
        histogram = Array(repeating: 0, count: Self.histogramBins)
    }

    /// The value of `column` in `fields` ("" if the rows have no such column).
    func value(_ column: String, in fields: [String]) -> String {
        columns.firstIndex(of: column).map { fields[$0] } ?? ""
    }

    /// Counts a row; an `ok` row with its profile may become a candidate.
    mutating func add(index: Int, path: InputPath, fields: [String], profile: ImageProfile?, truth: Int?) {
        rows += 1
        statusCounts[value("status", in: fields), default: 0] += 1
        for position in valueCounts.indices {
            let value = self.value(valueCounts[position].column, in: fields)
            guard !value.isEmpty, var counts = valueCounts[position].counts else { continue }
            counts[value, default: 0] += 1
            valueCounts[position].counts = counts.count > Self.distinctValueLimit ? nil : counts
        }
        if let truth { givenCounts[truth] += 1 }
        guard let probability = Double(value("probability_fake", in: fields)), probability.isFinite, let profile else { return }
        histogram[min(Int(probability * Double(Self.histogramBins)), Self.histogramBins - 1)] += 1
        let inDomain = value("in_domain", in: fields) != "false"
        if let truth {
            labelled.labels.append(truth)
            labelled.scores.append(probability)
            if !inDomain { labelledOutOfDomain += 1 }
        }
        let candidate = ReportCandidate(index: index, path: path, probability: probability, features: profile.features,
                                        size: ImageSize(width: profile.width, height: profile.height), fields: fields,
                                        inDomain: inDomain)
        if heap.count < limit {
            heap.append(candidate)
            siftUp(heap.count - 1)
        } else if let lowest = heap.first, Self.ranksBelow(lowest, candidate) {
            heap[0] = candidate
            siftDown(0)
        }
    }

    /// The candidates, those inside the model's domain first, each part by highest P(fake)
    /// (ties: the earlier input first).
    var candidates: [ReportCandidate] {
        heap.sorted { Self.ranksBelow($1, $0) }
    }

    /// Whether `a` ranks below `b`: outside the domain while `b` is inside, or else a lower
    /// P(fake), or the same and a later input.
    private static func ranksBelow(_ a: ReportCandidate, _ b: ReportCandidate) -> Bool {
        guard a.inDomain == b.inDomain else { return b.inDomain }
        return a.probability < b.probability || a.probability == b.probability && a.index > b.index
    }

    // A min-heap on rank: the lowest-ranked candidate at the root, replaced first.
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0, Self.ranksBelow(heap[child], heap[(child - 1) / 2]) {
            heap.swapAt(child, (child - 1) / 2)
            child = (child - 1) / 2
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let children = [2 * parent + 1, 2 * parent + 2].filter { $0 < heap.count }
            guard let lowest = children.min(by: { Self.ranksBelow(heap[$0], heap[$1]) }),
                  Self.ranksBelow(heap[lowest], heap[parent]) else { return }
            heap.swapAt(parent, lowest)
            parent = lowest
        }
    }
}
