extension Check {
    /// `limit:<field>`: the field is present and within its length limit.
    public static func limitID(field: String) -> String { "limit:\(field)" }
    /// Flesch reading ease and grade level against the template's target.
    public static let readingID = "reading"
    /// A word or phrase from the policy's banned list.
    public static let bannedID = "banned"
    /// A number the brief does not contain.
    public static let unsupportedNumbersID = "unsupported-numbers"
    /// A superlative or claim the brief does not contain.
    public static let unsupportedClaimsID = "unsupported-claims"
    /// A quote, review or rating the brief did not supply.
    public static let testimonialID = "testimonial"
    /// Nearly the same words as another variant.
    public static let duplicateID = "duplicate"
}
