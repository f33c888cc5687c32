// The first module the bundle evaluates: marks when the page's script began (bench/map_page.py).
performance.mark("kiezgraph:script-start");
