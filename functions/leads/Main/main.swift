import FunctionKit
import LeadsFunction

await FunctionMain.run(name: LeadsFunction.name, build: LeadsFunction.buildApplication)
