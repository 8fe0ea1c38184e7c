import Testing
@testable import Spectra

@Test func theTransformsAreTheMatricesTheyName() {
    let w: [Double] = [1, 2, 3, 4, 5, 6]  // 2 × 3
    #expect(MatrixTransform.gramColumns.apply(to: w, rows: 2, columns: 3) == [17, 22, 27, 22, 29, 36, 27, 36, 45])
    #expect(MatrixTransform.gramRows.apply(to: w, rows: 2, columns: 3) == [14, 32, 32, 77])
    #expect(MatrixTransform.symmetricPart.apply(to: [1, 2, 4, 3], rows: 2, columns: 2) == [1, 3, 3, 3])
    #expect(MatrixTransform.minusTeacher.apply(to: [1, 2, 4, 3], rows: 2, columns: 2, teacher: [1, 1, 1, 1]) == [0, 1, 3, 2])
    #expect(MatrixTransform.gramColumns.shape(rows: 2, columns: 3) == (3, 3))
}

@Test func spacingsAreDifferencesOfAscendingLevels() {
    let levels: [Double] = [0, 1, 3, 10, 11, 15]  // 2 samples × 3 levels
    #expect(LevelSpacings.nearestNeighbour(levels, levelCount: 3) == [1, 2, 1, 4])
    #expect(LevelSpacings.pairSpacings(levels, levelCount: 3, pairs: [(0, 2)]) == [3, 5])
}

@Test func groupMeanNormalisationGivesUnitMeansAndSkipsFailures() {
    let values: [Double] = [1, 3, .nan, 10, 30]  // one column, groups {0, 1, 2} and {3, 4}
    let out = LevelSpacings.normalisedByGroupMean(values, columns: 1, groups: [[0, 1, 2], [3, 4]])
    #expect(out[0] == 0.5 && out[1] == 1.5 && out[2].isNaN && out[3] == 0.5 && out[4] == 1.5)
}

@Test func spacingRatiosAreMinimaOfConsecutiveRatiosAfterTrimming() {
    let levels: [Double] = [0, 1, 3, 4, 8]  // spacings 1, 2, 1, 4
    let all = LevelSpacings.spacingRatios(levels, levelCount: 5)
    #expect(all == [0.5, 0.5, 0.25])
    #expect(LevelSpacings.spacingRatios(levels, levelCount: 5, trim: 1) == [0.5])  // levels 1, 3, 4
}
