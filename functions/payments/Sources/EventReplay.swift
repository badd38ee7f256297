import Foundation

/// `lectern payments replay`: a fixture event made current and signed as Stripe would sign it.
public enum EventReplay {
    public struct Prepared: Sendable {
        public let body: [UInt8]
        public let signatureHeader: String
        public let eventID: String
        public let type: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Fills `USER_ID` and `OFFER_ID`, sets `created` to now and (unless `keepID`) a fresh event
    /// id, then signs the body with the endpoint secret.
    public static func prepare(fixture: Data, userID: String, offerID: String, secret: String, keepID: Bool = false,
                               now: Int = Int(Date().timeIntervalSince1970)) throws -> Prepared {
        var text = String(decoding: fixture, as: UTF8.self)
        text = text.replacingOccurrences(of: "USER_ID", with: userID).replacingOccurrences(of: "OFFER_ID", with: offerID)
        guard var event = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let type = event["type"] as? String, event["data"] is [String: Any] else {
            throw Failure(description: "not a Stripe event: it needs `type` and `data.object`")
        }
        event["created"] = now
        if !keepID || event["id"] == nil {
            event["id"] = "evt_replay_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        }
        let body = Array(try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]))
        _ = try StripeEvents.parse(body)
        return Prepared(body: body, signatureHeader: StripeSignature.header(body: body, secret: secret, timestamp: now),
                        eventID: event["id"] as! String, type: type)
    }
}
