import AsyncHTTPClient
import JWTKit

/// Fetches a provider's discovery document and signing keys once and keeps them, fetching the
/// keys again only when a token names a key the cached set does not have (key rotation).
actor ProviderMetadataCache {
    /// The verification keys of one JWKS fetch, with the ids they were published under.
    struct KeySet {
        var keys: JWTKeyCollection
        var keyIDs: Set<String>
    }

    private let provider: OIDCProviderConfig
    private let httpClient: HTTPClient
    private var discovery: DiscoveryDocument?
    private var keySet: KeySet?

    init(provider: OIDCProviderConfig, httpClient: HTTPClient) {
        self.provider = provider
        self.httpClient = httpClient
    }

    /// The provider's discovery document, fetched on first use.
    /// - Throws: ``OIDCError/discoveryFailed(url:reason:)``, or
    ///   ``OIDCError/discoveryIssuerMismatch(configured:discovered:)`` under the exact policy.
    func discoveryDocument() async throws(OIDCError) -> DiscoveryDocument {
        if let discovery { return discovery }
        let url = provider.discoveryURL
        let document: DiscoveryDocument
        do {
            document = try await httpClient.fetchJSON(DiscoveryDocument.self, HTTPClientRequest(url: url))
        } catch {
            throw .discoveryFailed(url: url, reason: error.reason)
        }
        // OpenID Connect Discovery §4.3: a document claiming another issuer could be an
        // impersonation. The multi-tenant policy checks the template against each token instead.
        if provider.issuerPolicy == .exact, document.issuer != provider.issuer {
            throw .discoveryIssuerMismatch(configured: provider.issuer, discovered: document.issuer)
        }
        // Two sign-ins racing here both fetch and store the same document; harmless.
        discovery = document
        return document
    }

    /// A key collection holding the key `keyID`, fetching the key set again at most once when
    /// the cached set lacks it.
    ///
    /// Refetching on every unknown id is bounded in practice: ID tokens reach this code only from
    /// the provider's own token endpoint, never straight from a browser.
    /// - Throws: ``OIDCError/keySetFailed(url:reason:)`` or ``OIDCError/unknownKeyID(_:)``.
    func keys(containing keyID: String, jwksURI: String) async throws(OIDCError) -> JWTKeyCollection {
        if let keySet, keySet.keyIDs.contains(keyID) {
            return keySet.keys
        }
        let fresh = try await fetchKeySet(from: jwksURI)
        keySet = fresh
        guard fresh.keyIDs.contains(keyID) else { throw .unknownKeyID(keyID) }
        return fresh.keys
    }

    private func fetchKeySet(from url: String) async throws(OIDCError) -> KeySet {
        let document: KeySetDocument
        do {
            document = try await httpClient.fetchJSON(KeySetDocument.self, HTTPClientRequest(url: url))
        } catch {
            throw .keySetFailed(url: url, reason: error.reason)
        }
        // A new collection rather than adding to the old one, so keys the provider has
        // withdrawn stop verifying anything.
        let keys = JWTKeyCollection()
        var keyIDs: Set<String> = []
        for entry in document.keys {
            guard let jwk = entry.jwk, let keyID = jwk.keyIdentifier?.string, entry.use ?? "sig" == "sig" else { continue }
            do {
                try await keys.add(jwk: jwk)
                keyIDs.insert(keyID)
            } catch {
                continue
            }
        }
        guard !keyIDs.isEmpty else {
            throw .keySetFailed(url: url, reason: "it holds no usable signing key")
        }
        return KeySet(keys: keys, keyIDs: keyIDs)
    }
}

/// A JWKS read one key at a time: a key jwt-kit cannot use (a new key type, an encryption
/// key) is skipped instead of failing the whole set, and so sign-in.
private struct KeySetDocument: Decodable {
    struct Entry: Decodable {
        var jwk: JWK?
        var use: String?

        private enum CodingKeys: String, CodingKey { case use }

        init(from decoder: any Decoder) throws {
            jwk = try? JWK(from: decoder)
            use = try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .use)
        }
    }

    var keys: [Entry]
}
