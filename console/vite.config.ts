// Vite builds the console into build/console/dist (console/CMakeLists.txt passes --outDir).
// Relative asset paths, so the server may serve it from any prefix.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: { target: "es2022", sourcemap: false },
});
