import AccessFunction
import AuthFunction
@testable import FunctionKit
import Foundation
import GenerateFunction
import Hummingbird
@testable import LeadsFunction
import Logging
import PaymentsFunction
import ProgressFunction
import Store
import Testing

/// `functions/openapi.json` must describe exactly the routes the functions register: a route
/// without a description, or a description without a route, fails here.
@Suite struct OpenAPITests {
    typealias AddRoutes = (FunctionRoutes, FunctionEnvironment) throws -> Void

    static var functions: [(String, AddRoutes)] { [
        (LeadsFunction.name, LeadsFunction.addRoutes),
        (AccessFunction.name, AccessFunction.addRoutes),
        (AuthFunction.name, AuthFunction.addRoutes),
        (ProgressFunction.name, ProgressFunction.addRoutes),
        (PaymentsFunction.name, PaymentsFunction.addRoutes),
        (GenerateFunction.name, GenerateFunction.addRoutes),
    ] }

    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: FunctionTestSupport.repositoryRoot + "/functions/openapi.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// "METHOD /path" → the `x-lectern-function` that serves it.
    static func described() throws -> [String: String] {
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var result: [String: String] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                guard let operation = operation as? [String: Any] else { continue }
                result["\(method.uppercased()) \(path)"] = operation["x-lectern-function"] as? String ?? "?"
            }
        }
        return result
    }

    @Test func everyRouteIsDescribedAndEveryDescriptionIsARoute() async throws {
        let described = try Self.described()
        let folder = FunctionTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try await Store.open(try DatabaseURL("sqlite://\(folder)/x.sqlite"))
        var registered: [String: String] = [:]
        for (name, addRoutes) in Self.functions {
            let config = try FunctionTestSupport.config(name: name, database: "sqlite://\(folder)/x.sqlite")
            let (_, routes) = try FunctionApp.makeRouter(config: config, store: store, logger: Logger(label: "test"), routes: addRoutes)
            for entry in routes.entries {
                // /healthz and /metrics are on every function: described once, as "*".
                let owner = entry.path == "/healthz" || entry.path == "/metrics" ? "*" : name
                registered[entry.description] = owner
            }
        }
        await store.close()
        let router = described.filter { $0.value == "router" }
        #expect(Set(router.keys) == ["GET /api/openapi.json"])
        let functionRoutes = described.filter { $0.value != "router" }
        #expect(Set(registered.keys).subtracting(functionRoutes.keys).isEmpty,
                "routes without a description: \(Set(registered.keys).subtracting(functionRoutes.keys).sorted())")
        #expect(Set(functionRoutes.keys).subtracting(registered.keys).isEmpty,
                "descriptions without a route: \(Set(functionRoutes.keys).subtracting(registered.keys).sorted())")
        for (route, owner) in registered {
            #expect(functionRoutes[route] == owner, "\(route) is served by \(owner)")
        }
    }

    @Test func documentIsOpenAPI31WithTheSharedErrorShape() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        #expect(schemas["Error"] != nil)
    }
}
