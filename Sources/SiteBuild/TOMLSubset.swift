/// The part of TOML that mdbook-quiz files use: comments, `key = value` with dotted keys,
/// `[table]` and `[[array.of.tables]]` headers, basic and literal strings (one line or
/// triple-quoted), integers, floats, booleans and arrays (over several lines, trailing comma
/// allowed). Dates and inline tables are refused with a clear message. Written here because
/// the one TOML package on hand needs a dependency that is not.
enum TOMLSubset {
    indirect enum Value: Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])
        case table(Table)

        var string: String? { if case .string(let value) = self { value } else { nil } }
        var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
        var int: Int? { if case .integer(let value) = self { value } else { nil } }
        var table: Table? { if case .table(let value) = self { value } else { nil } }
        var array: [Value]? { if case .array(let value) = self { value } else { nil } }
    }

    struct Table: Equatable {
        var values: [String: Value] = [:]
        /// Line of each key (or of the header that opened the table, under "").
        var lines: [String: Int] = [:]

        subscript(path: String) -> Value? {
            var table = self
            let parts = path.split(separator: ".").map(String.init)
            for part in parts.dropLast() {
                guard let next = table.values[part]?.table else { return nil }
                table = next
            }
            return parts.last.flatMap { table.values[$0] }
        }
    }

    struct ParseError: Error, Equatable {
        let line: Int
        let message: String
    }

    static func parse(_ text: String) throws -> Table {
        var parser = Parser(Array(text.unicodeScalars))
        return try parser.document()
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        var line = 1
        var root = Table()
        /// The table `key = value` lines go into: a path from the root, with the index of the
        /// current element for arrays of tables.
        var current: [(key: String, element: Int?)] = []

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var atEnd: Bool { index >= scalars.count }
        var peek: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        mutating func advance() {
            if scalars[index] == "\n" { line += 1 }
            index += 1
        }

        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func skipSpaces() {
            while let c = peek, c == " " || c == "\t" { advance() }
        }

        mutating func skipLineEnd() throws {
            skipSpaces()
            if peek == "#" { while let c = peek, c != "\n" { advance() } }
            if peek == "\r" { advance() }
            guard atEnd || peek == "\n" else { throw fail("expected the end of the line after the value") }
            if !atEnd { advance() }
        }

        mutating func document() throws -> Table {
            while !atEnd {
                skipSpaces()
                guard let c = peek else { break }
                if c == "\n" || c == "\r" || c == "#" { try skipLineEnd(); continue }
                if c == "[" { try header(); continue }
                let keyLine = line
                let key = try keyPath()
                skipSpaces()
                guard peek == "=" else { throw fail("expected `=` after the key `\(key.joined(separator: "."))`") }
                advance()
                skipSpaces()
                let value = try self.value()
                try set(key, value, line: keyLine)
                try skipLineEnd()
            }
            return root
        }

        mutating func header() throws {
            advance()
            let isArray = peek == "["
            if isArray { advance() }
            skipSpaces()
            let path = try keyPath()
            skipSpaces()
            guard peek == "]" else { throw fail("expected `]` to close the table header") }
            advance()
            if isArray {
                guard peek == "]" else { throw fail("expected `]]` to close the array-of-tables header") }
                advance()
            }
            let headerLine = line
            try skipLineEnd()
            // Walk to the parent, then open the table (or append an element to the array).
            var trail: [(key: String, element: Int?)] = []
            for part in path.dropLast() {
                trail.append((part, root.elementIndex(trail: trail, key: part)))
            }
            let last = path.last!
            if isArray {
                var array = root.value(at: trail + [(last, nil)])?.array ?? []
                var element = Table()
                element.lines[""] = headerLine
                array.append(.table(element))
                root.assign(.array(array), at: trail + [(last, nil)])
                current = trail + [(last, array.count - 1)]
            } else {
                if root.value(at: trail + [(last, nil)]) == nil {
                    var opened = Table()
                    opened.lines[""] = headerLine
                    root.assign(.table(opened), at: trail + [(last, nil)])
                }
                current = trail + [(last, nil)]
            }
        }

        mutating func set(_ key: [String], _ value: Value, line: Int) throws {
            var path = current
            for part in key.dropLast() { path.append((part, nil)) }
            let name = key.last!
            if root.value(at: path + [(name, nil)]) != nil {
                throw ParseError(line: line, message: "the key `\(key.joined(separator: "."))` is set twice")
            }
            if root.value(at: path) == nil, !path.isEmpty { root.assign(.table(Table()), at: path) }
            root.assign(value, at: path + [(name, nil)], line: line)
        }

        mutating func keyPath() throws -> [String] {
            var parts: [String] = []
            while true {
                skipSpaces()
                if peek == "\"" {
                    parts.append(try basicString())
                } else {
                    var key = ""
                    while let c = peek, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" {
                        key.unicodeScalars.append(c)
                        advance()
                    }
                    guard !key.isEmpty else { throw fail("expected a key") }
                    parts.append(key)
                }
                skipSpaces()
                guard peek == "." else { return parts }
                advance()
            }
        }

        mutating func value() throws -> Value {
            guard let c = peek else { throw fail("expected a value") }
            switch c {
            case "\"": return .string(try startsWith("\"\"\"") ? multilineBasic() : basicString())
            case "'": return .string(try startsWith("'''") ? multilineLiteral() : literalString())
            case "[": return try array()
            case "{": throw fail("inline tables `{ … }` are not supported here; use dotted keys (`answer.answer = …`)")
            case "t", "f":
                if startsWith("true") { index += 4; return .bool(true) }
                if startsWith("false") { index += 5; return .bool(false) }
                throw fail("expected a value")
            default:
                var text = ""
                while let c = peek, !" \t\r\n,]#".unicodeScalars.contains(c) {
                    text.unicodeScalars.append(c)
                    advance()
                }
                let digits = text.replacingUnderscores()
                if let int = Int(digits) { return .integer(int) }
                if let double = Double(digits) { return .float(double) }
                throw fail("`\(text)` is not a value this reader understands (text needs quotes)")
            }
        }

        func startsWith(_ text: String) -> Bool {
            let needle = Array(text.unicodeScalars)
            guard index + needle.count <= scalars.count else { return false }
            return Array(scalars[index..<index + needle.count]) == needle
        }

        mutating func array() throws -> Value {
            advance()
            var items: [Value] = []
            while true {
                skipBlank()
                if peek == "]" { advance(); return .array(items) }
                items.append(try value())
                skipBlank()
                if peek == "," { advance(); continue }
                skipBlank()
                guard peek == "]" else { throw fail("expected `,` or `]` in the list") }
            }
        }

        /// Spaces, newlines and comments inside an array.
        mutating func skipBlank() {
            while let c = peek {
                if c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
                else if c == "#" { while let c = peek, c != "\n" { advance() } }
                else { return }
            }
        }

        mutating func basicString() throws -> String {
            advance()
            var text = ""
            while let c = peek {
                if c == "\"" { advance(); return text }
                if c == "\n" { break }
                if c == "\\" { text += try escape(); continue }
                text.unicodeScalars.append(c)
                advance()
            }
            throw fail("a string is not closed with `\"` on its line")
        }

        mutating func literalString() throws -> String {
            advance()
            var text = ""
            while let c = peek {
                if c == "'" { advance(); return text }
                if c == "\n" { break }
                text.unicodeScalars.append(c)
                advance()
            }
            throw fail("a string is not closed with `'` on its line")
        }

        mutating func multilineBasic() throws -> String {
            index += 3
            if peek == "\n" { advance() } else if peek == "\r" { advance(); if peek == "\n" { advance() } }
            var text = ""
            while !atEnd {
                if startsWith("\"\"\"") { index += 3; return text }
                if peek == "\\" {
                    // A backslash at the end of a line trims the line break and leading space.
                    let save = index
                    advance()
                    skipSpaces()
                    if peek == "\n" || peek == "\r" {
                        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { advance() }
                        continue
                    }
                    index = save
                    text += try escape()
                    continue
                }
                text.unicodeScalars.append(peek!)
                advance()
            }
            throw fail("a `\"\"\"` string is never closed")
        }

        mutating func multilineLiteral() throws -> String {
            index += 3
            if peek == "\n" { advance() }
            var text = ""
            while !atEnd {
                if startsWith("'''") { index += 3; return text }
                text.unicodeScalars.append(peek!)
                advance()
            }
            throw fail("a `'''` string is never closed")
        }

        mutating func escape() throws -> String {
            advance()
            guard let c = peek else { throw fail("a string ends in `\\`") }
            advance()
            switch c {
            case "n": return "\n"
            case "t": return "\t"
            case "r": return "\r"
            case "\"": return "\""
            case "\\": return "\\"
            case "b": return "\u{08}"
            case "f": return "\u{0C}"
            case "u", "U":
                let count = c == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<count {
                    guard let h = peek else { break }
                    hex.unicodeScalars.append(h)
                    advance()
                }
                guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw fail("`\\\(c)\(hex)` is not a valid escape")
                }
                return String(scalar)
            default: throw fail("`\\\(c)` is not a valid escape in a string")
            }
        }
    }
}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}

extension TOMLSubset.Table {
    /// The value at a path of keys (an array of tables steps into the given element).
    func value(at path: [(key: String, element: Int?)]) -> TOMLSubset.Value? {
        guard let first = path.first else { return .table(self) }
        guard var value = values[first.key] else { return nil }
        if let element = first.element {
            guard let array = value.array, array.indices.contains(element) else { return nil }
            value = array[element]
        }
        if path.count == 1 { return value }
        return value.table?.value(at: Array(path.dropFirst()))
    }

    /// The last element's index when `key` holds an array of tables.
    func elementIndex(trail: [(key: String, element: Int?)], key: String) -> Int? {
        guard let array = value(at: trail + [(key, nil)])?.array, !array.isEmpty else { return nil }
        return array.count - 1
    }

    mutating func assign(_ value: TOMLSubset.Value, at path: [(key: String, element: Int?)], line: Int? = nil) {
        guard let first = path.first else { return }
        if path.count == 1 {
            values[first.key] = value
            if let line { lines[first.key] = line }
            return
        }
        let rest = Array(path.dropFirst())
        if let element = first.element, var array = values[first.key]?.array, array.indices.contains(element) {
            var table = array[element].table ?? TOMLSubset.Table()
            table.assign(value, at: rest, line: line)
            array[element] = .table(table)
            values[first.key] = .array(array)
        } else {
            var table = values[first.key]?.table ?? TOMLSubset.Table()
            table.assign(value, at: rest, line: line)
            values[first.key] = .table(table)
        }
    }
}
