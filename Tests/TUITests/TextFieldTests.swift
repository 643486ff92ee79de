import Testing
import TUI

/// Presses `keys` in order and returns whether the field used each one (kept out of `#expect`, which
/// cannot hold a mutating call).
@discardableResult
func press(_ field: inout TextField, _ keys: Key...) -> [Bool] {
    keys.map { field.handle($0) }
}

/// Types `text` one character at a time.
@discardableResult
func type(_ text: String, into field: inout TextField) -> [Bool] {
    text.map { field.handle(.character($0)) }
}

@Suite struct TextFieldTests {
    @Test func typingInsertsAtTheCursor() {
        var field = TextField()
        #expect(type("abc", into: &field) == [true, true, true])
        #expect(field.text == "abc" && field.cursor == 3)
        #expect(press(&field, .left, .left) == [true, true])
        type("X", into: &field)
        #expect(field.text == "aXbc" && field.cursor == 2)
    }

    @Test func movement() {
        var field = TextField("hello")
        #expect(field.cursor == 5)
        let steps: [(Key, Int)] = [(.home, 0), (.left, 0), (.end, 5), (.right, 5), (.control("a"), 0), (.control("f"), 1),
                                   (.control("e"), 5), (.control("b"), 4), (.left, 3), (.right, 4)]
        for (key, cursor) in steps {
            let used = field.handle(key)
            #expect(used && field.cursor == cursor, "\(key)")
        }
        #expect(field.text == "hello")
    }

    @Test func erasing() {
        var field = TextField("hello")
        #expect(press(&field, .backspace) == [true])
        #expect(field.text == "hell" && field.cursor == 4)
        #expect(press(&field, .home, .delete) == [true, true])
        #expect(field.text == "ell" && field.cursor == 0)
        #expect(press(&field, .backspace) == [true]) // nothing before the cursor
        #expect(field.text == "ell" && field.cursor == 0)
        #expect(press(&field, .end, .delete) == [true, true]) // nothing after it
        #expect(field.text == "ell" && field.cursor == 3)
        #expect(press(&field, .control("h")) == [true])
        #expect(field.text == "el" && field.cursor == 2)
        #expect(press(&field, .home, .control("d")) == [true, true])
        #expect(field.text == "l" && field.cursor == 0)
        var middle = TextField("abc")
        press(&middle, .left, .backspace)
        #expect(middle.text == "ac" && middle.cursor == 1)
    }

    @Test func emacsKills() {
        var field = TextField("hello world")
        press(&field, .left, .left, .left, .left, .left)
        #expect(press(&field, .control("k")) == [true])
        #expect(field.text == "hello " && field.cursor == 6)
        #expect(press(&field, .left, .control("u")) == [true, true])
        #expect(field.text == " " && field.cursor == 0)
        var words = TextField("read value  ")
        #expect(press(&words, .control("w")) == [true])
        #expect(words.text == "read " && words.cursor == 5)
        #expect(press(&words, .control("W")) == [true])
        #expect(words.text == "" && words.cursor == 0)
    }

    @Test func keysTheFieldDoesNotUseAreLeftToTheCaller() {
        var field = TextField("ab")
        let keys: [Key] = [.enter, .escape, .tab, .backTab, .up, .down, .pageUp, .function(1), .control("c"), .scrollUp]
        let used = keys.map { field.handle($0) }
        #expect(used == Array(repeating: false, count: keys.count))
        #expect(field.text == "ab" && field.cursor == 2)
    }

    @Test func theFilterAndControlCharactersRefuseInput() {
        var hex = TextField(filter: { $0.isHexDigit })
        type("0a", into: &hex)
        #expect(type("g\u{1B}", into: &hex) == [true, true]) // swallowed, so they cannot reach a global shortcut
        type("F", into: &hex)
        #expect(hex.text == "0aF" && hex.cursor == 3)
    }

    @Test func wideCharactersAndCombiningMarks() {
        var field = TextField("漢字")
        #expect(field.cursor == 2)
        press(&field, .left)
        type("a", into: &field)
        #expect(field.text == "漢a字" && field.cursor == 2)
        var accent = TextField("e")
        type("\u{301}", into: &accent)
        #expect(accent.text == "e\u{301}" && accent.cursor == 1 && accent.text.count == 1)
    }

    @Test func settingTextClampsTheCursor() {
        var field = TextField("hello")
        field.text = "hi"
        #expect(field.cursor == 2)
        field.cursor = 99
        #expect(field.cursor == 2)
        field.cursor = -4
        #expect(field.cursor == 0)
    }

    @Test func rendersWithHorizontalScrollingAndSetsTheCursor() {
        var field = TextField("hello world")
        let atEnd = drawIsolated(10, 3, in: Rect(x: 2, y: 1, width: 6, height: 1)) { screen, rect in
            field.render(into: &screen, in: rect)
            #expect(at(screen.cursor) == [7, 1])
        }
        #expect(atEnd.lines[1] == "##world ##")
        press(&field, .home)
        var screen = Screen(width: 6, height: 1)
        field.render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["hello "])
        #expect(at(screen.cursor) == [0, 0])
        for _ in 0 ..< 7 { press(&field, .right) }
        #expect(field.scrollStart(width: 6) == 2)
        screen.cursor = nil
        field.render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["llo wo"])
        #expect(at(screen.cursor) == [5, 0])
    }

    @Test func scrollingNeverSplitsAWideCharacter() {
        var field = TextField("漢字abc")
        var screen = Screen(width: 4, height: 1)
        field.render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["abc "] && at(screen.cursor) == [3, 0])
        field.cursor = 1
        screen.cursor = nil
        field.render(into: &screen, in: screen.bounds)
        #expect(screen.lines == ["漢字"] && at(screen.cursor) == [2, 0])
    }

    @Test func placeholderWhenEmpty() {
        var screen = Screen(width: 12, height: 1)
        TextField(placeholder: "filter…").render(into: &screen, in: screen.bounds, style: Style(underline: true))
        #expect(screen.text == "filter…")
        #expect(screen[0, 0].style == Style(dim: true, underline: true))
        #expect(screen[11, 0].style == Style(underline: true))
        #expect(at(screen.cursor) == [0, 0])
    }

    @Test func anUnfocusedFieldLeavesTheCursorAlone() {
        var screen = Screen(width: 12, height: 1)
        TextField("abc").render(into: &screen, in: screen.bounds, showsCursor: false)
        #expect(screen.cursor == nil)
    }

    @Test func equalityIgnoresTheFilter() {
        #expect(TextField("ab", filter: { _ in true }) == TextField("ab"))
        #expect(TextField("ab") != TextField("abc"))
    }
}
