/**
 * Every API request and response schema, shared by server and client.
 * Split by aggregate under shared/schemas/; import from here.
 */
export * from './schemas/common';
export * from './schemas/auth';
export * from './schemas/domain';
export * from './schemas/review';
export * from './schemas/history';
export * from './schemas/export';
