/// Something a visitor can get: a free tier, a subscription or a one-time purchase.
public struct Offer: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    /// Price in the currency's major unit (29 means $29); 0 for free.
    public var price: Double
    public var currency: String
    /// `month` or `year` for subscriptions, `nil` for a one-time price.
    public var interval: String?
    public var features: [String]
    /// Ids of the courses this offer grants.
    public var courses: [String]
    public var cta: String
    public var ctaURL: String?
    public var highlighted: Bool
    /// Subscriptions: free days before the first charge.
    public var trialDays: Int?
    /// The payment provider's price per environment (`test`, `live`), e.g. Stripe `price_…`.
    public var stripePrices: [String: String] = [:]
    /// The plan the offer gives (the generator's quotas read it); defaults to the offer id.
    public var plan: String?

    public init(
        id: String, name: String, description: String = "", price: Double = 0, currency: String = "USD",
        interval: String? = nil, features: [String] = [], courses: [String] = [], cta: String = "",
        ctaURL: String? = nil, highlighted: Bool = false
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.price = price
        self.currency = currency
        self.interval = interval
        self.features = features
        self.courses = courses
        self.cta = cta
        self.ctaURL = ctaURL
        self.highlighted = highlighted
    }

    /// `Free`, `$29`, `€120`: the price as a reader sees it.
    public var priceText: String {
        if price == 0 { return "Free" }
        let symbol = ["USD": "$", "EUR": "€", "GBP": "£"][currency.uppercased()]
        let amount = price.rounded() == price ? String(Int(price)) : String(format2(price))
        return symbol.map { $0 + amount } ?? "\(amount) \(currency.uppercased())"
    }

    /// `per month`, `per year`, or `one-time`.
    public var intervalText: String {
        if price == 0 { return "forever" }
        return interval.map { "per \($0)" } ?? "one-time"
    }

    private func format2(_ value: Double) -> String {
        let cents = Int((value * 100).rounded())
        let fraction = cents % 100
        return "\(cents / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
