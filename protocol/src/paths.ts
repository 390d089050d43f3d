// Where the repository and ../shared are: the core's (core/paths.ts), re-exported for every part.
export * from "../../core/paths";
