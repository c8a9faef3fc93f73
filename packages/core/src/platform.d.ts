// Globals every JavaScript platform Gridflow targets has (browsers, Node ≥ 16, Deno, workers), declared here
// because the core compiles without DOM or Node type libraries on purpose.
declare function btoa(data: string): string;
declare function atob(data: string): string;
