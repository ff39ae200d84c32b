import cProfile, pstats, time, sys
sys.path.insert(0, "tests/app")
from pagekit import open_page
import streamlit.runtime.scriptrunner.script_runner as sr
PR = cProfile.Profile()
orig = sr.exec_func_with_error_handling
ON = [False]
def wrapped(func, ctx):
    if not ON[0]: return orig(func, ctx)
    PR.enable()
    try: return orig(func, ctx)
    finally: PR.disable()
sr.exec_func_with_error_handling = wrapped
at = open_page("pages/1_Scorecard.py", area="E08000030")
for _ in range(3): at.run()
ON[0] = True
for _ in range(20): at.run()
st = pstats.Stats(PR); st.sort_stats(sys.argv[1]).print_stats(int(sys.argv[2]))
