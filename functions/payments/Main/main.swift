import FunctionKit
import PaymentsFunction

await FunctionMain.run(name: PaymentsFunction.name, build: PaymentsFunction.buildApplication)
