import FunctionKit
import GenerateFunction

await FunctionMain.run(name: GenerateFunction.name, build: GenerateFunction.buildApplication)
