import Foundation

/// A one-line progress display on stderr, only when stderr is a terminal: files done (of the
/// total, once the inputs have all been listed), images per second, time left and failures so
/// far, redrawn in place with `\r` at most ten times a second.
final class Progress {
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled && isatty(2) == 1
    }

    func update(done: Int, total: Int?, failed: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done == total else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(done) / elapsed
        let rateText = "\(String(format: "%.1f", rate)) img/s"
        let line: String
        if let total {
            let remaining = rate > 0 ? Double(total - done) / rate : 0
            line = "\(done)/\(total) files  \(rateText)  ETA \(Self.duration(remaining))  \(failed) failed"
        } else {
            line = "\(done) files  \(rateText)  \(failed) failed"
        }
        StandardError.write("\r\u{1B}[K" + line)
        drawn = true
    }

    /// Erases the line so a message can be printed in its place.
    func clearLine() {
        guard enabled, drawn else { return }
        StandardError.write("\r\u{1B}[K")
    }

    func finish() {
        clearLine()
        drawn = false
    }

    private static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\((s % 3600 / 60).description.leftPadded(to: 2))m"
            : "\(s / 60)m\((s % 60).description.leftPadded(to: 2))s"
    }
}
