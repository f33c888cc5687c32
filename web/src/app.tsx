// The page itself: the full map at /, the read-only embed at /embed (loaded by main.ts once the first
// request is on its way).
import { render } from "preact";
import { lang } from "./i18n";
import { App } from "./panels/App";
import { Embed } from "./panels/Embed";
import { boot, embedded } from "./state";

document.documentElement.lang = lang.value;
if (embedded) document.documentElement.classList.add("embedded");
const root = document.getElementById("app")!;
root.textContent = "";
render(embedded ? <Embed /> : <App />, root);
void boot();
