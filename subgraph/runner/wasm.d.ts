// The slice of the WebAssembly JS API the runner uses (the project's lib is ES2023 without DOM, and Node 20's
// types do not declare these globals).
declare namespace WebAssembly {
  type ImportValue = ((...args: never[]) => unknown) | Memory | Global | Table | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  type Exports = Record<string, unknown>;
  interface ModuleImportDescriptor {
    module: string;
    name: string;
    kind: "function" | "global" | "memory" | "table";
  }
  interface ModuleExportDescriptor {
    name: string;
    kind: "function" | "global" | "memory" | "table";
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Global {
    value: unknown;
  }
  class Table {
    readonly length: number;
  }
}
