// The protocol's errors are the core's (core/errors.ts): one FlexGridError for every part.
export * from "../../core/errors";
