@testable import AccessFunction
import FunctionKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/access/check`: the router's contract (402 for a paid lesson) and nginx's
/// `auth_request` contract (`X-Lectern-Auth-Request: 1`: 403 with the reason in a header).
@Suite struct AccessCheckTests {
    static let paid = "/courses/c/m/paid/"
    static let preview = "/courses/c/m/preview/"

    /// A private folder holding a one-course manifest: a paid lesson and a preview lesson.
    static func privateFolder() throws -> String {
        let folder = FunctionTestSupport.temporaryFolder()
        let manifest = """
            {"version":"1","site":{"title":"T","baseURL":"http://localhost"},"offers":[],
             "courses":[{"id":"c","title":"C","url":"/courses/c/","modules":[{"id":"m","title":"M","url":"/courses/c/m/","order":1,
               "lessons":[
                 {"id":"paid","title":"Paid","url":"\(paid)","order":1,"access":"paid","duration":5,"privatePath":"courses/c/m/paid/index.html"},
                 {"id":"preview","title":"Preview","url":"\(preview)","order":2,"access":"preview","duration":5,"privatePath":"courses/c/m/preview/index.html"}]}]}]}
            """
        try manifest.write(toFile: folder + "/manifest.json", atomically: true, encoding: .utf8)
        return folder
    }

    func check(_ path: String, authRequest: Bool) async throws -> (status: Int, reason: String?, code: String?) {
        let folder = try Self.privateFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await FunctionTestSupport.withDatabase(.sqlite) { database in
            let config = try FunctionTestSupport.config(name: "access", database: database,
                                                        extra: ["LECTERN_PRIVATE_DIR": folder, "AUTH_SECRET": AuthHarness.secret])
            let app = try await AccessFunction.buildApplication(config: config)
            return try await app.test(.router) { client in
                var headers: HTTPFields = [.xOriginalURI: path]
                if authRequest { headers[.xLecternAuthRequest] = "1" }
                let response = try await client.execute(uri: "/api/access/check", method: .get, headers: headers)
                let code = response.status.code == 204 ? nil : try ErrorBody(response).error.code
                return (Int(response.status.code), response.headers[.xLecternAccess], code)
            }
        }
    }

    @Test func aPaidLessonIs402ForTheRouter() async throws {
        let answer = try await check(Self.paid, authRequest: false)
        #expect(answer.status == 402)
        #expect(answer.code == "payment_required")
        #expect(answer.reason == nil)
    }

    @Test func aPaidLessonIs403WithTheReasonForNginx() async throws {
        let answer = try await check(Self.paid, authRequest: true)
        #expect(answer.status == 403)
        #expect(answer.reason == "payment_required")
        #expect(answer.code == "payment_required")
    }

    /// A preview lesson needs a signed-in visitor: 401 for the router and for nginx alike.
    @Test(arguments: [false, true])
    func aPreviewLessonAsksAnonymousVisitorsToSignIn(authRequest: Bool) async throws {
        let answer = try await check(Self.preview, authRequest: authRequest)
        #expect(answer.status == 401)
        #expect(answer.code == "sign_in_required")
        #expect(answer.reason == (authRequest ? "sign_in_required" : nil))
    }
}
