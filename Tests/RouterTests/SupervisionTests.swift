import Foundation
import Testing

/// Functions crash, hang and get busy; the router answers for them (503 with `Retry-After`,
/// 504), brings them back, and loses no write it acknowledged.
@Suite(.timeLimit(.minutes(1)))
struct SupervisionTests {
    /// What the traffic of the kill test saw.
    actor Tally {
        private(set) var accepted: Set<String> = []
        private(set) var unavailable = 0
        private(set) var unexpected: [String] = []
        private(set) var staticFailures: [String] = []
        private(set) var staticServed = 0
        private(set) var stopping = false

        func accept(_ email: String) { accepted.insert(email) }
        func sawUnavailable() { unavailable += 1 }
        func sawUnexpected(_ what: String) { unexpected.append(what) }
        func sawStatic(_ reply: Reply) {
            if reply.status == 200 { staticServed += 1 } else { staticFailures.append("\(reply.status)") }
        }
        func stop() { stopping = true }
    }

    @Test func aKilledFunctionComesBackAndNoAcknowledgedLeadIsLost() async throws {
        try await withRouter(functions: [.leads()]) { router in
            let supervisor = router.server.supervisor
            let tally = Tally()
            let firstPID = try #require(await supervisor.pid(of: "leads"))
            let startsBefore = await supervisor.starts(of: "leads")

            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var sequence = 0
                        while await !tally.stopping {
                            sequence += 1
                            try await Self.signUpUntilAccepted("w\(worker)-\(sequence)@example.com", router: router, tally: tally)
                        }
                    }
                }
                group.addTask {
                    while await !tally.stopping {
                        await tally.sawStatic(try await router.get("/courses/"))
                    }
                }

                try await eventually("leads to flow") { await tally.accepted.count >= 20 }
                kill(firstPID, SIGKILL)
                try await eventually("leads to be restarted") {
                    let restarted = await supervisor.starts(of: "leads") > startsBefore
                    let state = await supervisor.state(of: "leads")
                    return restarted && state == "up"
                }
                let atRestart = await tally.accepted.count
                try await eventually("leads to flow again") { await tally.accepted.count >= atRestart + 20 }
                await tally.stop()
                try await group.waitForAll()
            }

            let newPID = await supervisor.pid(of: "leads")
            let unexpected = await tally.unexpected
            let staticFailures = await tally.staticFailures
            let staticServed = await tally.staticServed
            let accepted = await tally.accepted
            #expect(newPID != nil && newPID != firstPID)
            #expect(unexpected.isEmpty, "\(unexpected)")
            #expect(staticFailures.isEmpty, "\(staticFailures)")
            #expect(staticServed > 0)
            // Every acknowledged sign-up is stored, and nothing else is: a 503 that raced the
            // kill was retried with the same address, so it is acknowledged (200) in the end.
            let stored = try await router.storedLeadEmails()
            #expect(stored == accepted)
        }
    }

    /// Sends one sign-up until it is acknowledged; a 503 must be the JSON "restarting" answer.
    static func signUpUntilAccepted(_ email: String, router: RunningRouter, tally: Tally) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let reply = try await router.signUp(email)
            switch reply.status {
            case 200, 201:
                await tally.accept(email)
                return
            case 503 where reply.isJSON && reply.errorCode == "function_unavailable" && reply.has("Retry-After"):
                await tally.sawUnavailable()
                try await Task.sleep(for: .milliseconds(20))
            default:
                await tally.sawUnexpected("\(email): \(reply)")
                return
            }
        }
        await tally.sawUnexpected("\(email): not accepted within 20 s")
    }

    @Test func twoHundredConcurrentSignUps() async throws {
        try await withRouter(functions: [.leads()]) { router in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask { try await router.signUp("crowd\(index)@example.com").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 >= 500 }.isEmpty, "\(statuses.filter { $0 >= 500 })")
            #expect(statuses.allSatisfy { $0 == 201 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            let stored = try await router.storedLeadEmails()
            #expect(stored.count == statuses.filter { $0 == 201 }.count)
        }
    }

    @Test func aFunctionThatNeverStartsIs503AndTheOthersKeepWorking() async throws {
        try await withRouter(functions: [.leads(), .fake(name: "broken", behaviour: .exit)]) { router in
            let down = try await router.get("/api/broken/anything")
            #expect(down.status == 503, "\(down)")
            #expect(down.isJSON)
            #expect(down.errorCode == "function_unavailable")
            #expect(Int(down.header("Retry-After") ?? "") ?? 0 >= 1)
            #expect(await router.server.supervisor.state(of: "broken") != "up")

            #expect(try await router.signUp("still-working@example.com").status == 201)
            #expect(try await router.get("/").status == 200)
        }
    }

    /// `stop()` sends SIGTERM so a function can finish in-flight requests, and SIGKILLs only
    /// after the grace period. The child must therefore start with SIGTERM unblocked: the
    /// stand-in here keeps the signal mask it inherits and records the SIGTERM it handles.
    @Test func stopSendsATerminateTheFunctionCanHandle() async throws {
        let marker = Scratch.folder("term") + "/terminated"
        try await withRouter(functions: [
            .fake(name: "plain", behaviour: .allow, environment: ["FAKE_KEEP_SIGNAL_MASK": "1", "FAKE_TERM_FILE": marker]),
        ]) { router in
            #expect(await router.server.supervisor.state(of: "plain") == "up")
            await router.server.supervisor.stopAll()
            #expect(FileManager.default.fileExists(atPath: marker),
                    "the function never saw SIGTERM: it was killed after the grace period")
        }
    }
}
