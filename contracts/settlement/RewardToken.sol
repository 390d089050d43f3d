// SPDX-License-Identifier: Apache-2.0
// The customers' reward token: minted for delivered flexibility, burned for penalties, by settlement only.
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IRewardToken} from "../interfaces/IRewardToken.sol";

/// @title RewardToken
/// @notice Guarantees: only `minter` (the Settlement contract that deployed it) changes the supply.
contract RewardToken is ERC20, IRewardToken {
    address private immutable _minter;

    /// @param minter_ The only account allowed to mint and burn.
    constructor(address minter_) ERC20("FlexGrid Reward", "FLEXR") {
        _minter = minter_;
    }

    modifier onlyMinter() {
        if (msg.sender != _minter) revert RewardTokenUnauthorizedMinter(msg.sender);
        _;
    }

    /// @notice One unit is one micro-EUR of reward.
    /// @return 6.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @inheritdoc IRewardToken
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc IRewardToken
    function mint(address to, uint256 amount) external onlyMinter {
        _mint(to, amount);
    }

    /// @inheritdoc IRewardToken
    function burn(address from, uint256 amount) external onlyMinter {
        _burn(from, amount);
    }
}
