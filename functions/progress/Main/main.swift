import FunctionKit
import ProgressFunction

await FunctionMain.run(name: ProgressFunction.name, build: ProgressFunction.buildApplication)
