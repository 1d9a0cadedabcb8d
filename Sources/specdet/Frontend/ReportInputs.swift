import Foundation
import SpecdetSupport

/// The inputs of `report`, one stream: the PATH arguments and `--files-from` (unlabelled),
/// then the `--real` images, then the `--fake` ones. Each input's label (nil, 0 real, 1 fake)
/// waits in a queue until its row comes back: rows come back in input order, so the queue
/// holds only the inputs in flight.
final class ReportInputs: IteratorProtocol {
    private var streams: [(stream: InputStream, label: Int?)]
    private var labels: [Int?] = []
    private var emitted = 0

    /// The unlabelled stream (nil when only `--real`/`--fake` are given), then the labelled
    /// arguments, each walked as `InputStream` walks them.
    init(unlabelled: InputStream?, real: [String], fake: [String]) throws {
        streams = (unlabelled.map { [($0, nil)] } ?? [])
            + (real.isEmpty ? [] : [(try InputStream(real, filesFrom: nil), 0)])
            + (fake.isEmpty ? [] : [(try InputStream(fake, filesFrom: nil), 1)])
    }

    func next() -> InputPath? {
        while let (stream, label) = streams.first {
            if let input = stream.next() {
                labels.append(label)
                return input
            }
            streams.removeFirst()
        }
        return nil
    }

    /// The label of the next row to come back, in input order.
    func labelOfNextRow() -> Int? {
        defer {
            emitted += 1
            if emitted >= 1024 {
                labels.removeFirst(emitted)
                emitted = 0
            }
        }
        return labels[emitted]
    }
}
