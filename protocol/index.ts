// The wire formats every FlexGrid part shares. Import from here, not from the files behind it.
export * from "./src/errors";
export * from "./src/ids";
export * from "./src/packets";
export * from "./src/acks";
export * from "./src/signing";
export * from "./src/merkle";
export * from "./src/topics";
export * from "./src/setpoints";
export * from "./src/config";
export * from "./src/logger";
export * from "./src/deployment";
export * from "./src/paths";
export * from "./src/alarms";
export * from "./src/serialLoop";
