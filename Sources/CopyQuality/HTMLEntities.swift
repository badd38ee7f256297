/// Decodes the character references model output actually contains.
///
/// Named references are the common typographic and Latin-1 ones; numeric references
/// (`&#39;`, `&#x27;`) are all decoded. A reference needs its `;`; an unknown or malformed one
/// stays as written, which the page then shows literally rather than guessing.
enum HTMLEntities {
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let afterAmpersand = rest.index(after: ampersand)
            // Long enough for `&#x10FFFF;` and the longest name.
            let window = rest[afterAmpersand...].prefix(10)
            if let semicolon = window.firstIndex(of: ";"), let decoded = value(of: rest[afterAmpersand..<semicolon]) {
                output += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                output += "&"
                rest = rest[afterAmpersand...]
            }
        }
        return output + rest
    }

    private static func value(of reference: Substring) -> String? {
        if reference.hasPrefix("#x") || reference.hasPrefix("#X") {
            return scalar(UInt32(reference.dropFirst(2), radix: 16))
        }
        if reference.hasPrefix("#") {
            return scalar(UInt32(reference.dropFirst(), radix: 10))
        }
        return named[String(reference)]
    }

    // NUL, surrogates and values past Unicode become U+FFFD, as in a browser.
    private static func scalar(_ value: UInt32?) -> String? {
        guard let value else { return nil }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }

    /// `&nbsp;` is a plain space: this is plain text, and a no-break space would only make
    /// the character count and word splitting disagree with what a person sees.
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "ndash": "–", "mdash": "—", "hellip": "…", "bull": "•", "middot": "·",
        "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”", "bdquo": "„",
        "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›",
        "copy": "©", "reg": "®", "trade": "™", "deg": "°", "times": "×", "divide": "÷",
        "plusmn": "±", "frac12": "½", "frac14": "¼", "frac34": "¾", "para": "¶", "sect": "§",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "iexcl": "¡", "iquest": "¿", "shy": "",
        "aacute": "á", "agrave": "à", "acirc": "â", "auml": "ä", "atilde": "ã", "aring": "å",
        "eacute": "é", "egrave": "è", "ecirc": "ê", "euml": "ë", "iacute": "í", "igrave": "ì",
        "icirc": "î", "iuml": "ï", "oacute": "ó", "ograve": "ò", "ocirc": "ô", "ouml": "ö",
        "otilde": "õ", "oslash": "ø", "uacute": "ú", "ugrave": "ù", "ucirc": "û", "uuml": "ü",
        "ntilde": "ñ", "ccedil": "ç", "szlig": "ß", "aelig": "æ", "oelig": "œ",
        "Aacute": "Á", "Eacute": "É", "Ouml": "Ö", "Uuml": "Ü", "Auml": "Ä", "Ntilde": "Ñ", "Ccedil": "Ç",
    ]
}
