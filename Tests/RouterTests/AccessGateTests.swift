import Foundation
import Testing

/// Gated lessons (nginx `auth_request`): the access function decides; its 401/402/403 serve the
/// public teaser, 2xx the private page, and anything else fails closed with 503.
@Suite(.timeLimit(.minutes(1)))
struct AccessGateTests {
    static let paid = DemoSite.paidLesson
    static let privateFile = "private/courses/ai-marketing/results-and-responsibility/seo-content/index.html"
    static let teaserFile = "dist/courses/ai-marketing/results-and-responsibility/seo-content/index.html"

    /// The fixture is what the tests assume: the marker is in the private page only.
    @Test func privateMarkerIsOnlyInThePrivatePage() throws {
        let site = try DemoSite.shared()
        #expect(String(decoding: try site.bytes(Self.privateFile), as: UTF8.self).contains(DemoSite.privateOnlyText))
        #expect(!String(decoding: try site.bytes(Self.teaserFile), as: UTF8.self).contains(DemoSite.privateOnlyText))
    }

    @Test func paidLessonServesTheTeaserWithTheReason() async throws {
        try await withRouter(functions: [.access]) { router in
            let reply = try await router.get(Self.paid)
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.header("X-Lectern-Access") == "payment_required")
            #expect(reply.header("Cache-Control") == "private, no-store")
            #expect(reply.header("Vary")?.contains("Cookie") == true)
            #expect(reply.body == (try router.site.bytes(Self.teaserFile)))
            #expect(!reply.text.contains(DemoSite.privateOnlyText))
        }
    }

    @Test func freeLessonIsServedAsIs() async throws {
        try await withRouter(functions: [.access]) { router in
            let reply = try await router.get(DemoSite.freeLesson)
            #expect(reply.status == 200)
            #expect(!reply.has("X-Lectern-Access"))
            #expect(reply.header("Cache-Control") == "public, max-age=0, must-revalidate")
            #expect(reply.body == (try router.site.bytes("dist" + DemoSite.freeLesson + "index.html")))
        }
    }

    @Test func anAllowingFunctionGetsThePrivatePage() async throws {
        try await withRouter(
            functions: [.fake(name: "gate", behaviour: .allow)],
            configure: { $0.accessFunction = "gate" }
        ) { router in
            let reply = try await router.get(Self.paid)
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.body == (try router.site.bytes(Self.privateFile)))
            #expect(reply.header("Cache-Control") == "private, no-store")
            #expect(!reply.has("X-Lectern-Access"))

            // Free lessons never depend on the gate.
            let free = try await router.get(DemoSite.freeLesson)
            #expect(free.header("Cache-Control") == "public, max-age=0, must-revalidate")
        }
    }

    @Test func theDenialReasonComesFromTheFunction() async throws {
        try await withRouter(
            functions: [.fake(name: "gate", behaviour: .deny)],
            configure: { $0.accessFunction = "gate" }
        ) { router in
            let reply = try await router.get(Self.paid)
            #expect(reply.status == 200)
            #expect(reply.header("X-Lectern-Access") == "sign_in_required")
            #expect(!reply.text.contains(DemoSite.privateOnlyText))
        }
    }

    @Test(arguments: [FakeBehaviour.error, .sleep])
    func aFailingOrSlowCheckFailsClosed(behaviour: FakeBehaviour) async throws {
        try await withRouter(
            functions: [.fake(name: "gate", behaviour: behaviour, sleepSeconds: 8)],
            configure: { $0.accessFunction = "gate" }
        ) { router in
            let reply = try await router.get(Self.paid)
            Self.expectFailedClosed(reply)
        }
    }

    @Test func aMissingAccessFunctionFailsClosed() async throws {
        try await withRouter(functions: [.leads()], configure: { $0.accessFunction = "no-such-function" }) { router in
            Self.expectFailedClosed(try await router.get(Self.paid))
            // Pages that are not gated do not need it.
            #expect(try await router.get(DemoSite.freeLesson).status == 200)
        }
    }

    @Test func aKilledAccessFunctionFailsClosedUntilItIsBack() async throws {
        try await withRouter(functions: [.access]) { router in
            let supervisor = router.server.supervisor
            #expect(try await router.get(Self.paid).header("X-Lectern-Access") == "payment_required")
            let pid = try #require(await supervisor.pid(of: "access"))
            let starts = await supervisor.starts(of: "access")

            kill(pid, SIGKILL)
            // Straight after the kill the router may not know yet, or may reach the restarted
            // function: a 503 or the teaser, never the private page.
            let immediate = try await router.get(Self.paid)
            #expect(!immediate.text.contains(DemoSite.privateOnlyText))
            if immediate.status != 503 {
                #expect(immediate.status == 200 && immediate.header("X-Lectern-Access") == "payment_required", "\(immediate)")
            }

            try await eventually("access to be restarted") {
                let restarted = await supervisor.starts(of: "access") > starts
                let state = await supervisor.state(of: "access")
                return restarted && state == "up"
            }
            #expect(await supervisor.pid(of: "access") != pid)
            let after = try await router.get(Self.paid)
            #expect(after.status == 200)
            #expect(after.header("X-Lectern-Access") == "payment_required")
        }
    }

    @Test func aStoppedAccessFunctionFailsClosed() async throws {
        try await withRouter(functions: [.access]) { router in
            await router.server.supervisor.stopAll()
            Self.expectFailedClosed(try await router.get(Self.paid))
        }
    }

    static func expectFailedClosed(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 503, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.header("Retry-After") != nil, sourceLocation: sourceLocation)
        #expect(reply.header("Cache-Control") == "no-store", sourceLocation: sourceLocation)
        #expect(!reply.text.contains(DemoSite.privateOnlyText), sourceLocation: sourceLocation)
    }
}
