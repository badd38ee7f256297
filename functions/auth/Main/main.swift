import AuthFunction
import FunctionKit

await FunctionMain.run(name: AuthFunction.name, build: AuthFunction.buildApplication)
