import SpecdetSpectrum

extension ProfileExtractor {
    /// For a `width x height` image, the bins of each part of `configuration`'s profile whose
    /// values come from rings that hold samples of the part's sector, in whole-profile bin
    /// indices (the second part's ranges start at `bins / 2`); nil for an image too small for a
    /// profile.
    ///
    /// Convention: the part of `M` bins is resampled from its `L` kept rings (`1…floor(r_max) − 1`),
    /// so bin `j` sits at ring index `j·(L − 1)/(M − 1)` (0 is ring 1). A `sectors` ring with no
    /// sample of its sector is filled from its neighbours (`sectorRings(of:)`): between two
    /// sampled rings by linear interpolation, which counts as sampled here, and beyond the first
    /// or the last sampled ring by that ring's value, which does not. The axis sector of a
    /// square image ends at radius `√(1 + tan² 22.5°)·W/2 ≈ 0.54 W`, about 0.77 of the corner
    /// radius: its later bins repeat that ring. Every bin of a `durall` profile is sampled.
    package static func sampledBins(width: Int, height: Int, configuration: ProfileConfiguration) -> [ClosedRange<Int>]? {
        guard width >= 1, height >= 1, width <= SpectrumWorkspace.maximumSide, height <= SpectrumWorkspace.maximumSide else { return nil }
        let table = RingTableCache.shared.table(for: ImageShape(width: width, height: height))
        let kept = table.keptRings
        guard kept >= ProfileConfiguration.minimumRings else { return nil }
        switch configuration.features {
        case .durall:
            return [0...configuration.bins - 1]
        case .sectors:
            let size = configuration.bins / 2
            let rings = 1..<table.outerRing
            let axis = rings.map { table.sampleCounts[$0] - table.diagonalSampleCounts[$0] > 0 }
            let diagonal = rings.map { table.diagonalSampleCounts[$0] > 0 }
            var ranges: [ClosedRange<Int>] = []
            for (part, present) in [axis, diagonal].enumerated() {
                guard let first = present.firstIndex(of: true), let last = present.lastIndex(of: true) else { return nil }
                // Bin j's ring index is j·(L − 1)/(M − 1); the bins from the first to the last sampled ring.
                let scale = Double(size - 1) / Double(kept - 1)
                let low = Int((Double(first) * scale - 1e-9).rounded(.up))
                let high = min(Int((Double(last) * scale + 1e-9).rounded(.down)), size - 1)
                let offset = part * size
                ranges.append(offset + min(low, high)...offset + high)
            }
            return ranges
        }
    }
}
