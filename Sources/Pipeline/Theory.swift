/// The predictions of SPEC.md that reports set beside measured values.
enum Theory {
    /// ⟨S⟩ = √(2π α ε²/(|B|(2 − α))) for the degenerate pair of the 2 × 2 teacher–student model:
    /// the spacing of a 2 × 2 GOE matrix with the discrete Ornstein–Uhlenbeck stationary variance
    /// σ² = αε²/(|B|(2 − α)) is Rayleigh with mean σ√(2π) (SPEC §2.1, arXiv:2407.16427).
    static func teacherStudentMeanSpacing(learningRate α: Double, batchSize b: Double, noiseStd ε: Double) -> Double {
        (2 * Double.pi * α * ε * ε / (b * (2 - α))).squareRoot()
    }

    /// The slope a = √(2π/(2 − α)) of ⟨S⟩ = a·√(αε²/|B|); → √π as α → 0.
    static func teacherStudentSlope(learningRate α: Double) -> Double {
        (2 * Double.pi / (2 - α)).squareRoot()
    }
}
