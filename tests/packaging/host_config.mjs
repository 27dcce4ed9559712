// The MCP config a host (Claude Desktop) launches for an unpacked bundle, computed by the official
// @anthropic-ai/mcpb package's own getMcpConfigForManifest: user_config values and ${...} variables
// substituted as a host does. Usage: node host_config.mjs MCPB_PACKAGE_DIR BUNDLE_DIR USER_CONFIG_JSON
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";
import { pathToFileURL } from "node:url";

const [mcpbDir, bundleDir, userConfigJson] = process.argv.slice(2);
const { getMcpConfigForManifest } = await import(pathToFileURL(join(mcpbDir, "dist", "index.js")).href);
const manifest = JSON.parse(readFileSync(join(bundleDir, "manifest.json"), "utf8"));
const home = homedir();
const config = await getMcpConfigForManifest({
  manifest,
  extensionPath: bundleDir,
  systemDirs: { HOME: home, DESKTOP: join(home, "Desktop"), DOCUMENTS: join(home, "Documents"),
                DOWNLOADS: join(home, "Downloads") },
  userConfig: JSON.parse(userConfigJson),
  pathSeparator: sep,
});
process.stdout.write(JSON.stringify(config));
