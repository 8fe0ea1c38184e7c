import Foundation

/// The predictions of SPEC.md that reports set beside measured values.
enum Theory {
    /// The predicted ⟨S⟩ of level pair `pair` for ensemble `e`, when the model has one.
    static func meanPairSpacing(_ index: EnsembleIndex, ensemble e: Int) -> (value: Double, formula: String)? {
        func parameter(_ name: String) -> Double? { index.parameter(name)?[e] }
        switch index.model {
        case "teacher_student":
            guard let alpha = parameter("learning_rate"), let batch = parameter("batch_size"), let noise = parameter("noise_std"),
                  parameter("size") == 2 else { return nil }
            return (teacherStudentMeanSpacing(learningRate: alpha, batchSize: batch, noiseStd: noise),
                    "⟨S⟩ = √(2π α ε² / (|B| (2 − α))) (SPEC §2.1)")
        case "dyson_brownian_motion":
            guard let beta = parameter("beta"), let temperature = parameter("temperature"),
                  let kappa = parameter("confinement"), parameter("size") == 2 else { return nil }
            return (twoLevelCoulombGasMeanSpacing(beta: beta, temperature: temperature, confinement: kappa),
                    "⟨S⟩ = Γ((β+2)/2)/Γ((β+1)/2) · √(4T/κ), exact for two levels (SPEC §2.6)")
        default:
            return nil
        }
    }

    /// ⟨S⟩ of two levels of the stationary Coulomb gas P ∝ |x₁ − x₂|^β exp(−κ(x₁² + x₂²)/(2T)) about
    /// one centre: the spacing density is ∝ S^β exp(−κS²/(4T)), a Wigner surmise exactly, with
    /// mean Γ((β+2)/2)/Γ((β+1)/2)·√(4T/κ) (√(πT/κ) for β = 1).
    static func twoLevelCoulombGasMeanSpacing(beta: Double, temperature: Double, confinement: Double) -> Double {
        Foundation.exp(Foundation.lgamma((beta + 2) / 2) - Foundation.lgamma((beta + 1) / 2)) * (4 * temperature / confinement).squareRoot()
    }

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
