function mpc = case9
%CASE9  WSCC 3-machine 9-bus system, MATPOWER case format version 2 (a meshed transmission test case).
%   Data as published in P. M. Anderson and A. A. Fouad, "Power System Control and Stability", and in
%   J. H. Chow (ed.), "Time-Scale Modeling of Dynamic Networks", Springer 1982, p. 70.
%   Published load-flow solution (Anderson & Fouad, fig. 2.5; MATPOWER runpf agrees): bus 4 1.026/-2.22 deg,
%   bus 5 0.996/-3.99, bus 6 1.013/-3.69, bus 7 1.026/3.72, bus 8 1.016/0.73, bus 9 1.032/1.97,
%   bus 2 1.025/9.28, bus 3 1.025/4.66; slack 71.64 MW, 27.05 MVAr.

mpc.version = '2';
mpc.baseMVA = 100;

%% bus data
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	345	1	1.1	0.9;
	2	2	0	0	0	0	1	1	0	345	1	1.1	0.9;
	3	2	0	0	0	0	1	1	0	345	1	1.1	0.9;
	4	1	0	0	0	0	1	1	0	345	1	1.1	0.9;
	5	1	125	50	0	0	1	1	0	345	1	1.1	0.9;
	6	1	90	30	0	0	1	1	0	345	1	1.1	0.9;
	7	1	0	0	0	0	1	1	0	345	1	1.1	0.9;
	8	1	100	35	0	0	1	1	0	345	1	1.1	0.9;
	9	1	0	0	0	0	1	1	0	345	1	1.1	0.9;
];

%% generator data
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status	Pmax	Pmin
mpc.gen = [
	1	0	0	300	-300	1.04	100	1	250	10;
	2	163	0	300	-300	1.025	100	1	300	10;
	3	85	0	300	-300	1.025	100	1	270	10;
];

%% branch data
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status	angmin	angmax
mpc.branch = [
	1	4	0	0.0576	0	250	250	250	0	0	1	-360	360;
	4	5	0.010	0.085	0.176	250	250	250	0	0	1	-360	360;
	5	7	0.032	0.161	0.306	250	250	250	0	0	1	-360	360;
	4	6	0.017	0.092	0.158	250	250	250	0	0	1	-360	360;
	6	9	0.039	0.170	0.358	150	150	150	0	0	1	-360	360;
	7	8	0.0085	0.072	0.149	250	250	250	0	0	1	-360	360;
	8	9	0.0119	0.1008	0.209	150	150	150	0	0	1	-360	360;
	7	2	0	0.0625	0	250	250	250	0	0	1	-360	360;
	9	3	0	0.0586	0	300	300	300	0	0	1	-360	360;
];
