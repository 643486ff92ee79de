import Testing
import TUI

@Suite struct LayoutTests {
    @Test func fixedPartsFirstThenFillSharesTheRestByLargestRemainder() {
        #expect(LayoutSize.distribute(10, among: [.fixed(3), .fill(1), .fill(1)]) == [3, 4, 3])
        #expect(LayoutSize.distribute(10, among: [.fill(1), .fill(2), .fill(1)]) == [3, 5, 2])
        #expect(LayoutSize.distribute(10, among: [.percent(50), .fill(1)]) == [5, 5])
        #expect(LayoutSize.distribute(80, among: [.percent(25), .fixed(1), .fill(3)]) == [20, 1, 59])
    }

    @Test func slackGoesToTheLastPartWhenNothingFills() {
        #expect(LayoutSize.distribute(10, among: [.fixed(3)]) == [10])
        #expect(LayoutSize.distribute(10, among: [.fixed(3), .fixed(2)]) == [3, 7])
        #expect(LayoutSize.distribute(10, among: [.percent(33), .percent(33), .percent(34)]) == [3, 3, 4])
        #expect(LayoutSize.distribute(10, among: [.fixed(2), .fill(0)]) == [2, 8])
    }

    @Test func overcommittedPartsAreClampedInOrder() {
        #expect(LayoutSize.distribute(4, among: [.fixed(3), .fixed(3), .fill(1)]) == [3, 1, 0])
        #expect(LayoutSize.distribute(5, among: [.percent(80), .percent(80)]) == [4, 1])
        #expect(LayoutSize.distribute(0, among: [.fixed(3), .fill(1)]) == [0, 0])
        #expect(LayoutSize.distribute(-4, among: [.fill(1)]) == [0])
        #expect(LayoutSize.distribute(10, among: [.fixed(-3), .percent(-5), .percent(500), .fill(-1)]) == [0, 0, 10, 0])
        #expect(LayoutSize.distribute(10, among: []) == [])
    }

    @Test func partsAlwaysSumToTheWhole() {
        let sets: [[LayoutSize]] = [
            [.fill(1), .fill(1), .fill(1)], [.fixed(5), .fill(2), .percent(30)], [.percent(10), .percent(20)],
            [.fill(7), .fixed(1), .fill(3), .fill(0)], [.fixed(100)], [.percent(100), .fill(1)],
        ]
        for sizes in sets {
            for total in 0 ... 130 {
                let parts = LayoutSize.distribute(total, among: sizes)
                #expect(parts.reduce(0, +) == total, "\(sizes) of \(total): \(parts)")
                #expect(parts.allSatisfy { $0 >= 0 })
            }
        }
    }

    @Test func columnsAndRowsTileTheRect() {
        let rect = Rect(x: 2, y: 1, width: 10, height: 3)
        #expect(rect.columns([1, 1, 1]) == [
            Rect(x: 2, y: 1, width: 4, height: 3), Rect(x: 6, y: 1, width: 3, height: 3), Rect(x: 9, y: 1, width: 3, height: 3),
        ])
        let tall = Rect(x: 0, y: 5, width: 80, height: 24)
        #expect(tall.rows([.fixed(1), .fill(1), .fixed(1)]) == [
            Rect(x: 0, y: 5, width: 80, height: 1), Rect(x: 0, y: 6, width: 80, height: 22), Rect(x: 0, y: 28, width: 80, height: 1),
        ])
        #expect(tall.rows([1, 2]).map(\.height) == [8, 16])
        #expect(tall.columns([.percent(30), .fill(1)]).map(\.width) == [24, 56])
        #expect(Rect(x: 0, y: 0, width: 0, height: 0).columns([1, 2]).map(\.width) == [0, 0])
    }

    @Test func centeredShrinksToFit() {
        let bounds = Rect(x: 0, y: 0, width: 20, height: 6)
        #expect(bounds.centered(width: 10, height: 2) == Rect(x: 5, y: 2, width: 10, height: 2))
        #expect(bounds.centered(width: 11, height: 3) == Rect(x: 4, y: 1, width: 11, height: 3))
        #expect(bounds.centered(width: 50, height: 50) == bounds)
        #expect(bounds.centered(width: -1, height: 2).width == 0)
    }

    @Test func intersectionClipsAndNeverOverflows() {
        let screen = Rect(x: 0, y: 0, width: 10, height: 5)
        #expect(Rect(x: -3, y: -2, width: 6, height: 4).intersection(screen) == Rect(x: 0, y: 0, width: 3, height: 2))
        #expect(Rect(x: 8, y: 4, width: 6, height: 4).intersection(screen) == Rect(x: 8, y: 4, width: 2, height: 1))
        #expect(Rect(x: 20, y: 0, width: 6, height: 4).intersection(screen).isEmpty)
        #expect(Rect(x: .max - 1, y: .max - 1, width: .max, height: .max).intersection(screen).isEmpty)
        #expect(Rect(x: .min, y: .min, width: .max, height: .max).intersection(screen).isEmpty)
        #expect(Rect(x: -(1 << 40), y: -(1 << 40), width: .max, height: .max).intersection(screen) == screen)
        let huge = Rect(x: .min, y: .min, width: .max, height: .max)
        #expect(huge.intersection(Rect(x: -5, y: -5, width: .max, height: .max)) == Rect(x: -5, y: -5, width: 4, height: 4))
    }
}
