import AccessFunction
import FunctionKit

await FunctionMain.run(name: AccessFunction.name, build: AccessFunction.buildApplication)
