// The package entry: `import { ... } from "capsule-sdk-assemblyscript"` (asc resolves a package to its index.ts).
export * from "./assembly/index";
