import Foundation

/// What the fake provider remembers between requests, and the knobs tests turn.
actor FakeProviderState {
    /// What an authorization request asked for, kept until its code is redeemed.
    struct Grant: Sendable {
        var codeChallenge: String
        var nonce: String
        var redirectURI: String
        var scope: String
    }

    typealias ClaimsEdit = @Sendable (inout FakeIDTokenClaims) -> Void

    /// `http://127.0.0.1:<port>`, known once the server listens.
    private(set) var baseURL = ""
    /// The keys served at `/keys`.
    private(set) var publishedKeys: [TestSigningKey] = [.primary]
    private var signing: FakeTokenSigning = .key(.primary)
    private var editClaims: ClaimsEdit = { _ in }
    private var grants: [String: Grant] = [:]
    private(set) var discoveryFetches = 0
    private(set) var keySetFetches = 0
    private(set) var lastGrant: Grant?

    func setBaseURL(_ url: String) { baseURL = url }

    /// Makes the next ID tokens signed as `signing` with the honest claims changed by `edit`.
    func issueTokens(signedWith signing: FakeTokenSigning = .key(.primary), editing edit: @escaping ClaimsEdit = { _ in }) {
        self.signing = signing
        self.editClaims = edit
    }

    func publish(_ keys: [TestSigningKey]) { publishedKeys = keys }

    func recordDiscoveryFetch() -> String {
        discoveryFetches += 1
        return baseURL
    }

    func recordKeySetFetch() -> [TestSigningKey] {
        keySetFetches += 1
        return publishedKeys
    }

    func recordGrant(_ grant: Grant) -> String {
        let code = UUID().uuidString
        grants[code] = grant
        lastGrant = grant
        return code
    }

    /// A code works once, as RFC 6749 §4.1.2 requires.
    func redeem(code: String) -> Grant? {
        grants.removeValue(forKey: code)
    }

    func nextToken() -> (baseURL: String, edit: ClaimsEdit, signing: FakeTokenSigning) {
        (baseURL, editClaims, signing)
    }
}
